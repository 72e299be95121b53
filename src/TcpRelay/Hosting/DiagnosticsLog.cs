using System.Net;
using Microsoft.Extensions.Logging;

namespace TcpRelay.Hosting;

internal static partial class DiagnosticsLog
{
    [LoggerMessage(520, LogLevel.Information, "serving /metrics and /healthz on http://{EndPoint}")]
    public static partial void MetricsListening(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(521, LogLevel.Critical, "cannot serve metrics on {EndPoint}: {Message}; exiting")]
    public static partial void MetricsBindFailed(ILogger logger, IPEndPoint endPoint, string message);

    [LoggerMessage(522, LogLevel.Information, "answering tcprelay status on {Path}")]
    public static partial void StatusListening(ILogger logger, string path);

    [LoggerMessage(523, LogLevel.Error, "cannot answer tcprelay status on {Path}: {Message}; the relay runs without it")]
    public static partial void StatusBindFailed(ILogger logger, string path, string message);

    [LoggerMessage(524, LogLevel.Debug, "a status request failed: {Message}")]
    public static partial void StatusRequestFailed(ILogger logger, string message);
}
