namespace TcpRelay.Relaying;

/// <summary>Limits and timers of one relay session. Knows nothing of routes or configuration files.</summary>
public sealed record RelayOptions
{
    /// <summary>The most bytes held for one direction before reading from its source pauses. Defaults to 1 MiB.</summary>
    public int MaxBufferedBytes { get; init; } = 1024 * 1024;

    /// <summary>Size of the buffers rented for receiving. Defaults to 64 KiB (capped at <see cref="MaxBufferedBytes"/>).</summary>
    public int SegmentSize { get; init; } = 64 * 1024;

    /// <summary>End the session when no byte moves for this long. Null: never.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>Once one direction has finished, the other must finish within this. Null: never.</summary>
    public TimeSpan? HalfCloseTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Shared default instance.</summary>
    public static RelayOptions Default { get; } = new();
}
