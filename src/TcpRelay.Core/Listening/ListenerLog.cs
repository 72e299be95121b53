using System.Net;
using Microsoft.Extensions.Logging;

namespace TcpRelay.Listening;

internal static partial class ListenerLog
{
    [LoggerMessage(100, LogLevel.Error,
        "{Route}: out of file descriptors accepting on {EndPoint}; pending clients wait in the backlog, " +
        "retrying with backoff up to {MaxSeconds} s")]
    public static partial void DescriptorsExhausted(ILogger logger, string route, IPEndPoint? endPoint, double maxSeconds);

    [LoggerMessage(101, LogLevel.Information, "{Route}: accepting again on {EndPoint}")]
    public static partial void DescriptorsRecovered(ILogger logger, string route, IPEndPoint? endPoint);

    [LoggerMessage(102, LogLevel.Warning, "{Route}: accept on {EndPoint} failed; retrying")]
    public static partial void AcceptFailed(ILogger logger, string route, IPEndPoint? endPoint, Exception exception);
}
