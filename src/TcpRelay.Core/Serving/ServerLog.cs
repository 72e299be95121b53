using System.Net;
using Microsoft.Extensions.Logging;
using TcpRelay.Relaying;

namespace TcpRelay.Serving;

internal static partial class ServerLog
{
    [LoggerMessage(200, LogLevel.Debug,
        "{Route}: {Client} -> {Target} ended: {Reason}, {BytesFromClient} bytes from client, " +
        "{BytesFromTarget} bytes from target, {DurationMs} ms, data path {DataPath}")]
    public static partial void ConnectionEnded(
        ILogger logger, string route, IPEndPoint? client, string target, EndReason reason,
        long bytesFromClient, long bytesFromTarget, long durationMs, string dataPath);

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

    [LoggerMessage(208, LogLevel.Information, "{Route}: added: listening on {EndPoint}, relaying to {Target}")]
    public static partial void RouteAdded(ILogger logger, string route, IPEndPoint? endPoint, string target);

    [LoggerMessage(209, LogLevel.Information,
        "{Route}: changed ({Changes}); new connections use it, {Active} live connections keep what they had")]
    public static partial void RouteChanged(ILogger logger, string route, string changes, int active);

    [LoggerMessage(210, LogLevel.Information,
        "{Route}: removed; {Active} live connections continue for up to {DrainSeconds} s, then are aborted")]
    public static partial void RouteRemoved(ILogger logger, string route, int active, double drainSeconds);

    [LoggerMessage(211, LogLevel.Debug, "{Route}: unchanged")]
    public static partial void RouteUnchanged(ILogger logger, string route);

    [LoggerMessage(212, LogLevel.Error, "{Route}: {Problem}; {Consequence}; retrying at the next reload")]
    public static partial void RouteFailed(ILogger logger, string route, string problem, string consequence);

    [LoggerMessage(213, LogLevel.Information,
        "{Route}: removed route drained: {Finished} connections finished, {Aborted} aborted")]
    public static partial void RouteDrained(ILogger logger, string route, int finished, int aborted);

    [LoggerMessage(214, LogLevel.Warning, "{Route}: disposing a replaced dialer failed; carrying on")]
    public static partial void DialerDisposeFailed(ILogger logger, string route, Exception exception);

    [LoggerMessage(215, LogLevel.Information,
        "configuration applied: {Added} added, {Changed} changed, {Removed} removed, {Unchanged} unchanged, " +
        "{Failed} failed")]
    public static partial void Applied(
        ILogger logger, int added, int changed, int removed, int unchanged, int failed);

    [LoggerMessage(216, LogLevel.Warning,
        "{Route}: the splice data path is off ({Reason}); relaying through Pipelines instead")]
    public static partial void SpliceUnavailable(ILogger logger, string route, string reason);
}
