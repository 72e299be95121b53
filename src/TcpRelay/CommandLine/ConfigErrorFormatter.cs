using TcpRelay.Configuration;

namespace TcpRelay.CommandLine;

/// <summary>One line per error, the way compilers and <c>nginx -t</c> print them.</summary>
internal static class ConfigErrorFormatter
{
    public static string Format(string origin, ConfigError error) => error.Line is { } line
        ? $"{origin}:{line}:{error.Column}: {error.Message}"
        : $"{origin}: {error.Path}: {error.Message}";

    public static void WriteAll(TextWriter writer, ConfigException exception)
    {
        foreach (ConfigError error in exception.Errors)
        {
            writer.WriteLine($"tcprelay: {Format(exception.Origin, error)}");
        }

        int count = exception.Errors.Count;
        string errors = count == 1 ? "1 error" : $"{count} errors";
        writer.WriteLine($"tcprelay: configuration {exception.Origin} is not valid: {errors}");
    }
}
