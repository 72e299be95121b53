namespace TcpRelay.Configuration;

/// <summary>A configuration that could not be read or is not valid; carries every error found.</summary>
public sealed class ConfigException : Exception
{
    /// <summary>Creates the exception for the errors found in <paramref name="source"/>.</summary>
    public ConfigException(string source, IReadOnlyList<ConfigError> errors)
        : base(Summarize(source, errors))
    {
        Origin = source;
        Errors = errors;
    }

    /// <summary>The file (or other origin) that was read.</summary>
    public string Origin { get; }

    /// <summary>Every error found, in document order where possible.</summary>
    public IReadOnlyList<ConfigError> Errors { get; }

    private static string Summarize(string source, IReadOnlyList<ConfigError> errors) =>
        errors.Count == 1
            ? $"{source}: {errors[0]}"
            : $"{source}: {errors.Count} errors, first: {errors[0]}";
}
