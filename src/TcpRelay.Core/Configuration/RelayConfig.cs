namespace TcpRelay.Configuration;

/// <summary>
/// One complete, validated configuration: what <c>relay.json</c> or the socat-style command line
/// describes. Immutable; a reload builds a new instance and the server diffs the two.
/// </summary>
public sealed record RelayConfig
{
    /// <summary>Routes keyed by name (ordinal, case-sensitive).</summary>
    public required IReadOnlyDictionary<string, RouteConfig> Routes { get; init; }

    /// <summary>How to reach the Docker Engine API. Defaults to <c>DOCKER_HOST</c>, then the local socket.</summary>
    public DockerConfig Docker { get; init; } = new();

    /// <summary>The optional HTTP listener for Prometheus metrics and <c>/healthz</c>. Off by default.</summary>
    public MetricsConfig? Metrics { get; init; }

    /// <summary>
    /// The Unix socket that <c>tcprelay status</c> asks. Defaults to <c>/run/tcprelay/status.sock</c>
    /// when running as root, otherwise <c>$XDG_RUNTIME_DIR/tcprelay/status.sock</c>; null switches it off.
    /// </summary>
    public string? StatusSocket { get; init; }

    /// <summary>Upper bound on relayed connections over all routes. Defaults to no limit.</summary>
    public int? MaxConnections { get; init; }

    /// <summary>How long a stopping service lets live connections finish. Defaults to 30 s.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
