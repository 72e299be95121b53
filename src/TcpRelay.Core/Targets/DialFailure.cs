namespace TcpRelay.Targets;

/// <summary>Why a dial failed; becomes the end reason of the connection and a metric label.</summary>
public enum DialFailure
{
    /// <summary>The target answered with a reset (nothing listens there).</summary>
    Refused,

    /// <summary>No answer within the connect timeout.</summary>
    TimedOut,

    /// <summary>No route to the target's network, or the host is unreachable.</summary>
    Unreachable,

    /// <summary>The target could not be resolved: unknown name, container missing or not running.</summary>
    Unresolved,

    /// <summary>The relay lacks a privilege it needs (for example CAP_SYS_ADMIN for setns).</summary>
    PermissionDenied,

    /// <summary>
    /// The relay itself is out of file descriptors, so no socket could be made: not the target's
    /// doing, and not counted against its health.
    /// </summary>
    NoDescriptors,

    /// <summary>Any other socket or system error.</summary>
    Error,
}
