using System.Net;
using Microsoft.Extensions.Logging;

namespace TcpRelay.Admission;

/// <summary>Log events of admission: refusals, PROXY headers, the open-files limit.</summary>
internal static partial class AdmissionLog
{
    [LoggerMessage(300, LogLevel.Debug,
        "Route {Route}: refused {Client} ({Reason}); closed with a reset, target not dialed",
        EventName = "ConnectionRefused")]
    public static partial void ConnectionRefused(ILogger logger, string route, IPEndPoint? client, string reason);

    [LoggerMessage(301, LogLevel.Warning,
        "Route {Route}: refused {Count} connections in the last {Seconds} s ({Breakdown}); "
        + "each refusal is logged at Debug",
        EventName = "RefusalSummary")]
    public static partial void RefusalSummary(ILogger logger, string route, int count, int seconds, string breakdown);

    [LoggerMessage(302, LogLevel.Debug,
        "Route {Route}: no valid PROXY header from {Peer}: {Problem}; closing, target not dialed",
        EventName = "ProxyHeaderRejected")]
    public static partial void ProxyHeaderRejected(ILogger logger, string route, IPEndPoint? peer, string problem);

    [LoggerMessage(303, LogLevel.Debug,
        "Route {Route}: PROXY header from {Peer} names client {Client}",
        EventName = "ProxyHeaderAccepted")]
    public static partial void ProxyHeaderAccepted(ILogger logger, string route, IPEndPoint? peer, IPEndPoint? client);

    [LoggerMessage(310, LogLevel.Information,
        "Raised the open-files soft limit from {Old} to the hard limit {New}",
        EventName = "FileLimitRaised")]
    public static partial void FileLimitRaised(ILogger logger, ulong old, ulong @new);

    [LoggerMessage(311, LogLevel.Warning,
        "The open-files limit {Limit} is too low for the configured limits: {Connections} relayed connections "
        + "need about {Needed} descriptors (2 each, plus listeners and spare); beyond about {Fits} connections "
        + "accepts and dials will fail. Raise LimitNOFILE (systemd) or ulimit -n",
        EventName = "FileLimitTooLow")]
    public static partial void FileLimitTooLow(ILogger logger, ulong limit, long connections, long needed, long fits);

    [LoggerMessage(312, LogLevel.Information,
        "No connection limit is configured; the open-files limit {Limit} allows about {Fits} relayed connections",
        EventName = "FileLimitUnbounded")]
    public static partial void FileLimitUnbounded(ILogger logger, ulong limit, long fits);

    [LoggerMessage(313, LogLevel.Debug,
        "Could not read or raise the open-files limit (errno {Errno}); no check done",
        EventName = "FileLimitUnavailable")]
    public static partial void FileLimitUnavailable(ILogger logger, int errno);
}
