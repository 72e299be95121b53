namespace TcpRelay.Configuration;

/// <summary>One listen endpoint forwarded to one target.</summary>
public sealed record RouteConfig
{
    /// <summary>The route's name: the key in <c>routes</c>, used in every log line and metric.</summary>
    public required string Name { get; init; }

    /// <summary>Where the route accepts connections.</summary>
    public required ListenConfig Listen { get; init; }

    /// <summary>Where accepted connections are relayed to.</summary>
    public required TargetConfig Target { get; init; }

    /// <summary>Per-connection behaviour of the data path.</summary>
    public ConnectionOptions Connection { get; init; } = new();

    /// <summary>Who may connect and how many; PROXY protocol in and out.</summary>
    public AdmissionConfig Admission { get; init; } = new();
}
