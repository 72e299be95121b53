namespace TcpRelay.Targets;

/// <summary>
/// Optional on an <see cref="ITargetDialer"/>: whether the target can be dialed now, for
/// <c>/healthz</c> and <c>tcprelay status</c>. A dialer without it counts as healthy.
/// </summary>
public interface ITargetHealth
{
    /// <summary>
    /// True when the dialer knows where to connect and expects it to work: an address target
    /// whose last dial did not fail; a container target that exists, runs and has an address.
    /// </summary>
    bool IsResolved { get; }

    /// <summary>Why <see cref="IsResolved"/> is false, in a few words: <c>container frontend not running</c>.</summary>
    string? Problem { get; }
}
