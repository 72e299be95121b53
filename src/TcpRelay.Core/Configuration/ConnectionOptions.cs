namespace TcpRelay.Configuration;

/// <summary>How each relayed connection of a route behaves.</summary>
public sealed record ConnectionOptions
{
    /// <summary>Bound on establishing the target connection. Defaults to 5 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Close a connection with no bytes either way for this long. Defaults to off (null), like socat.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>
    /// Bound on the half-closed state: once one direction has ended, the other gets this long
    /// to finish. Defaults to 2 min.
    /// </summary>
    public TimeSpan HalfCloseTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The most the relay holds in one direction before it stops reading. Defaults to 1 MiB.</summary>
    public int MaxBufferedBytes { get; init; } = 1024 * 1024;

    /// <summary>How bytes are moved between the two sockets. Defaults to <see cref="DataPath.Splice"/>.</summary>
    public DataPath DataPath { get; init; } = DataPath.Splice;

    /// <summary>TCP_NODELAY on both sockets. Defaults to true.</summary>
    public bool NoDelay { get; init; } = true;

    /// <summary>TCP keepalive on both sockets; null leaves the kernel's default (off).</summary>
    public KeepAliveOptions? KeepAlive { get; init; }
}
