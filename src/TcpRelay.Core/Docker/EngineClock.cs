using System.Globalization;
using System.Text.RegularExpressions;

namespace TcpRelay.Docker;

/// <summary>Turns the engine's reported time into the events stream's <c>since</c> argument.</summary>
internal static partial class EngineClock
{
    /// <summary>
    /// One second before the engine's time, as Unix seconds: a replayed event costs one inspect, a
    /// missed one a stale address. Null (live events only) when the time cannot be read.
    /// </summary>
    public static string? SinceArgument(string? systemTime)
    {
        if (string.IsNullOrEmpty(systemTime))
        {
            return null;
        }

        // RFC 3339 with nanoseconds; .NET parses at most seven fraction digits and whole seconds do.
        string withoutFraction = Fraction().Replace(systemTime, "", 1);
        return DateTimeOffset.TryParse(withoutFraction, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out DateTimeOffset time)
            ? (time.ToUnixTimeSeconds() - 1).ToString(CultureInfo.InvariantCulture)
            : null;
    }

    [GeneratedRegex(@"\.\d+")]
    private static partial Regex Fraction();
}
