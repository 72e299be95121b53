using System.Net.Sockets;

namespace TcpRelay.Targets;

/// <summary>
/// Opens connections to one route's target. Created once per route (and again when the route's
/// target changes); called concurrently for every accepted connection, so implementations keep
/// the per-call path free of blocking calls and API round trips.
/// </summary>
public interface ITargetDialer : IAsyncDisposable
{
    /// <summary>Where the dialer connects now, for logs and status: <c>198.18.5.2:8080</c>.</summary>
    string CurrentTarget { get; }

    /// <summary>
    /// Connects and returns a connected socket. Applies the route's connect timeout itself.
    /// Failures throw <see cref="TargetDialException"/> naming the reason.
    /// </summary>
    ValueTask<Socket> ConnectAsync(CancellationToken cancellationToken);
}
