using System.Globalization;
using System.Net;
using TcpRelay.Configuration;

namespace TcpRelay.CommandLine;

/// <summary>Reads option values the way socat writes them; a bad value names its option.</summary>
internal static class SocatValues
{
    /// <summary>socat's boolean options: bare (on), <c>=1</c> or <c>=0</c>.</summary>
    public static bool Flag(SocatOption option) => option.Value switch
    {
        null or "1" => true,
        "0" => false,
        _ => throw Bad(option, "takes no value, or 0 or 1"),
    };

    public static int Int(SocatOption option, int min, int max) =>
        int.TryParse(Required(option), NumberStyles.None, CultureInfo.InvariantCulture, out int n)
        && n >= min
        && n <= max
            ? n
            : throw Bad(option, $"needs a whole number from {min} to {max}");

    /// <summary>Seconds as socat takes them: <c>connect-timeout=2.5</c>.</summary>
    public static TimeSpan Seconds(string name, string? value) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double s)
        && s > 0
        && DurationSyntax.TrySeconds(s, out TimeSpan t)
            ? t
            : throw new CommandLineException($"{name} needs a number of seconds greater than zero, not '{value}'");

    public static IPAddress Address(SocatOption option) =>
        EndPointSyntax.TryParseAddress(Required(option), out IPAddress address)
            ? address
            : throw Bad(option, "needs an IP address");

    public static string Required(SocatOption option) =>
        string.IsNullOrEmpty(option.Value) ? throw Bad(option, "needs a value") : option.Value;

    public static CommandLineException Bad(SocatOption option, string what) =>
        new($"option '{option}': {option.Name} {what}");
}
