namespace TcpRelay.Configuration;

/// <summary>Who may connect to a route, how many at once, and PROXY protocol handling.</summary>
public sealed record AdmissionConfig
{
    /// <summary>If not empty, only clients inside one of these networks are admitted.</summary>
    public IReadOnlyList<System.Net.IPNetwork> Allow { get; init; } = [];

    /// <summary>Clients inside one of these networks are refused; deny wins over allow.</summary>
    public IReadOnlyList<System.Net.IPNetwork> Deny { get; init; } = [];

    /// <summary>Most live connections on this route. Null: no limit.</summary>
    public int? MaxConnections { get; init; }

    /// <summary>Most live connections from one client address. Null: no limit.</summary>
    public int? MaxConnectionsPerClient { get; init; }

    /// <summary>New connections per second allowed from one client address. Null: no limit.</summary>
    public double? NewConnectionsPerSecondPerClient { get; init; }

    /// <summary>PROXY protocol header sent to the target before any client byte. Defaults to none.</summary>
    public ProxyProtocolVersion SendProxy { get; init; } = ProxyProtocolVersion.None;

    /// <summary>Expect a PROXY protocol header from these sources. Null: no header is expected.</summary>
    public AcceptProxyConfig? AcceptProxy { get; init; }
}
