namespace TcpRelay.Doctor;

/// <summary>
/// Time limits of the checks. They run concurrently, so a run takes about as long as the slowest
/// one: about 1 s when a target does not answer at all.
/// </summary>
internal sealed record DoctorTimeouts
{
    /// <summary>A TCP connect to the target. Defaults to 1 s.</summary>
    public TimeSpan Connect { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>One run of ip, iptables-save or nft. Defaults to 2 s (they answer in milliseconds).</summary>
    public TimeSpan Tool { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// All questions to the Docker engine together. Defaults to 3 s: an engine answers in
    /// milliseconds, but the first request of a cold process pays for loading the client library,
    /// and a busy engine must not be reported as a dead one.
    /// </summary>
    public TimeSpan Docker { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Resolving a target's DNS name. Defaults to 1 s.</summary>
    public TimeSpan Resolve { get; init; } = TimeSpan.FromSeconds(1);
}
