using Microsoft.Extensions.Logging;

namespace TcpRelay.Hosting;

internal static partial class HostLog
{
    [LoggerMessage(900, LogLevel.Information, "starting the routes of {Origin} ({Routes} in all)")]
    public static partial void Starting(ILogger logger, int routes, string origin);

    [LoggerMessage(901, LogLevel.Critical, "cannot start: {Failure}; exiting")]
    public static partial void StartFailed(ILogger logger, string failure);

    [LoggerMessage(902, LogLevel.Information, "the single connection has ended (no fork); exiting")]
    public static partial void SingleConnectionDone(ILogger logger);

    [LoggerMessage(903, LogLevel.Warning,
        "SIGHUP received: the configuration came from the command line, there is no file to reload; " +
        "the running configuration stays in force")]
    public static partial void ReloadNotAvailable(ILogger logger);
}
