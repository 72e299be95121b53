using System.Net;
using Microsoft.Extensions.Logging;
using TcpRelay.Relaying;

namespace TcpRelay.Serving;

internal static partial class ServerLog
{
    [LoggerMessage(200, LogLevel.Debug,
        "{Route}: {Client} -> {Target} ended: {Reason}, {BytesFromClient} bytes from client, " +
        "{BytesFromTarget} bytes from target, {DurationMs} ms")]
    public static partial void ConnectionEnded(
        ILogger logger, string route, IPEndPoint? client, string target, EndReason reason,
        long bytesFromClient, long bytesFromTarget, long durationMs);

    [LoggerMessage(201, LogLevel.Warning,
        "{Route}: cannot reach {Target}: {Message}; closing clients until it answers")]
    public static partial void TargetFailing(ILogger logger, string route, string target, string message);

    [LoggerMessage(202, LogLevel.Information, "{Route}: {Target} answers again")]
    public static partial void TargetRecovered(ILogger logger, string route, string target);

    [LoggerMessage(203, LogLevel.Information, "{Route}: listening on {EndPoint}, relaying to {Target}")]
    public static partial void RouteStarted(ILogger logger, string route, IPEndPoint? endPoint, string target);

    [LoggerMessage(204, LogLevel.Information,
        "stopping: no longer accepting; waiting up to {DrainSeconds} s for {Active} live connections")]
    public static partial void Draining(ILogger logger, double drainSeconds, int active);

    [LoggerMessage(205, LogLevel.Information,
        "stopped: {Finished} connections finished during the drain, {Aborted} aborted")]
    public static partial void Stopped(ILogger logger, int finished, int aborted);

    [LoggerMessage(206, LogLevel.Error, "{Route}: connection handling failed unexpectedly")]
    public static partial void HandlerFailed(ILogger logger, string route, Exception exception);

    [LoggerMessage(207, LogLevel.Information, "{Route}: stopped accepting on {EndPoint}")]
    public static partial void RouteStopped(ILogger logger, string route, IPEndPoint? endPoint);
}
