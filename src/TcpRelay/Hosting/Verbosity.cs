using Microsoft.Extensions.Logging;

namespace TcpRelay.Hosting;

/// <summary>Maps socat's repeatable <c>-d</c> to a log level.</summary>
internal static class Verbosity
{
    /// <summary>
    /// None or one <c>-d</c>: Information (routes, warnings; what socat's -d shows is already there).
    /// Two: Debug (one line per connection). Three or more: Trace.
    /// </summary>
    public static LogLevel ToLogLevel(int count) => count switch
    {
        <= 1 => LogLevel.Information,
        2 => LogLevel.Debug,
        _ => LogLevel.Trace,
    };
}
