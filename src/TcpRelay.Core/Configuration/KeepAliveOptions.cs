namespace TcpRelay.Configuration;

/// <summary>TCP keepalive probing.</summary>
public sealed record KeepAliveOptions
{
    /// <summary>Idle time before the first probe. Defaults to 60 s.</summary>
    public TimeSpan Time { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Time between probes. Defaults to 10 s.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Unanswered probes before the connection is dropped. Defaults to 6.</summary>
    public int Count { get; init; } = 6;
}
