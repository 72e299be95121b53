namespace TcpRelay.Relaying;

/// <summary>The first reason a relayed connection ended; recorded once, whatever follows.</summary>
public enum EndReason
{
    /// <summary>Still running.</summary>
    None,

    /// <summary>The client sent FIN first and both directions then completed.</summary>
    ClientClosed,

    /// <summary>The target sent FIN first and both directions then completed.</summary>
    TargetClosed,

    /// <summary>The client reset the connection (or failed).</summary>
    ClientReset,

    /// <summary>The target reset the connection (or failed).</summary>
    TargetReset,

    /// <summary>No bytes moved in either direction for the idle timeout.</summary>
    IdleTimeout,

    /// <summary>One direction had ended and the other did not finish within the half-close bound.</summary>
    HalfCloseTimeout,

    /// <summary>The target refused the connection.</summary>
    TargetRefused,

    /// <summary>The target did not answer within the connect timeout.</summary>
    ConnectTimeout,

    /// <summary>The target could not be reached or resolved.</summary>
    TargetUnavailable,

    /// <summary>The client was not admitted (allow/deny lists, limits, PROXY header).</summary>
    Rejected,

    /// <summary>The service stopped, or the route was removed, before the connection ended.</summary>
    Shutdown,

    /// <summary>
    /// The relay ran out of descriptors: for the target's socket, or for the kernel pipe a
    /// direction needed.
    /// </summary>
    NoResources,
}
