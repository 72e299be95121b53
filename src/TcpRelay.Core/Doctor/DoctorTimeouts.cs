namespace TcpRelay.Doctor;

/// <summary>
/// Time limits of the checks. They run concurrently, so a run takes about the longest one:
/// well under 2 s even when a target does not answer at all.
/// </summary>
internal sealed record DoctorTimeouts
{
    /// <summary>A TCP connect to the target. Defaults to 1 s.</summary>
    public TimeSpan Connect { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>One run of ip, iptables-save or nft. Defaults to 1 s.</summary>
    public TimeSpan Tool { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>All questions to the Docker engine together. Defaults to 1.5 s.</summary>
    public TimeSpan Docker { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Resolving a target's DNS name. Defaults to 1 s.</summary>
    public TimeSpan Resolve { get; init; } = TimeSpan.FromSeconds(1);
}
