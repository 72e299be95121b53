namespace TcpRelay.Configuration;

/// <summary>Reading a PROXY protocol header from an upstream load balancer.</summary>
public sealed record AcceptProxyConfig
{
    /// <summary>Only peers inside these networks may send a header; others are refused.</summary>
    public required IReadOnlyList<System.Net.IPNetwork> From { get; init; }

    /// <summary>How long to wait for the complete header. Defaults to 5 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);
}
