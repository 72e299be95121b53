using Microsoft.Extensions.Logging;

namespace TcpRelay.Hosting;

internal static partial class ReloadLog
{
    [LoggerMessage(500, LogLevel.Information, "reloading {Path} ({Trigger})")]
    public static partial void Reloading(ILogger logger, string path, string trigger);

    [LoggerMessage(501, LogLevel.Error, "reload rejected: {Error}")]
    public static partial void InvalidConfig(ILogger logger, string error);

    [LoggerMessage(502, LogLevel.Error,
        "reload of {Path} rejected ({Errors}); keeping the previous configuration")]
    public static partial void KeepingPrevious(ILogger logger, string path, string errors);

    [LoggerMessage(503, LogLevel.Warning,
        "reload of {Path}: {Setting} changed; it takes effect at the next restart, the running one stays")]
    public static partial void NeedsRestart(ILogger logger, string path, string setting);

    [LoggerMessage(504, LogLevel.Error, "reload of {Path} failed unexpectedly; keeping the previous configuration")]
    public static partial void ReloadFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(505, LogLevel.Warning, "watching {Folder} for changes failed; reload with SIGHUP until restart")]
    public static partial void WatchFailed(ILogger logger, string folder, Exception exception);

    [LoggerMessage(506, LogLevel.Information, "watching {Path} for changes; SIGHUP also reloads")]
    public static partial void Watching(ILogger logger, string path);
}
