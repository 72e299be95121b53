using System.Globalization;

namespace TcpRelay.Configuration;

/// <summary>Durations as relay.json and the command line write them: <c>250ms</c>, <c>5s</c>, <c>2m</c>.</summary>
internal static class DurationSyntax
{
    public const string Expected = "a duration such as \"250ms\", \"5s\", \"2m\", \"1h\" or a number of seconds";

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        string s = text.Trim();
        (string number, double unitSeconds) = s switch
        {
            _ when s.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (s[..^2], 0.001),
            _ when s.EndsWith('s') || s.EndsWith('S') => (s[..^1], 1.0),
            _ when s.EndsWith('m') || s.EndsWith('M') => (s[..^1], 60.0),
            _ when s.EndsWith('h') || s.EndsWith('H') => (s[..^1], 3600.0),
            _ => (string.Empty, 0),
        };
        return number.Length > 0
            && char.IsAsciiDigit(number[0])
            && double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double n)
            && TrySeconds(n * unitSeconds, out value);
    }

    /// <summary>A plain number of seconds (JSON number, socat's <c>-t 0.5</c>).</summary>
    public static bool TrySeconds(double seconds, out TimeSpan value)
    {
        value = default;
        if (!double.IsFinite(seconds) || seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>Formats a duration the way it is written, for messages.</summary>
    public static string Format(TimeSpan value) => value.TotalMilliseconds switch
    {
        < 1000 => $"{value.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms",
        _ when value.TotalSeconds % 3600 == 0 => $"{value.TotalHours.ToString(CultureInfo.InvariantCulture)}h",
        _ when value.TotalSeconds % 60 == 0 => $"{value.TotalMinutes.ToString(CultureInfo.InvariantCulture)}m",
        _ => $"{value.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s",
    };
}
