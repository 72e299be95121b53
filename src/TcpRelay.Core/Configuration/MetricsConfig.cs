using System.Net;

namespace TcpRelay.Configuration;

/// <summary>The HTTP listener serving <c>/metrics</c> (Prometheus text) and <c>/healthz</c>.</summary>
public sealed record MetricsConfig
{
    /// <summary>Where to listen, for example 127.0.0.1:9464.</summary>
    public required IPEndPoint Listen { get; init; }
}
