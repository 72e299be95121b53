using System.Net;
using System.Net.Sockets;
using TcpRelay.Relaying;

namespace TcpRelay.Serving;

/// <summary>What the server knows of one connection while it is alive.</summary>
internal sealed class LiveConnection
{
    private string? _target;

    public LiveConnection(long id, IPEndPoint? client, DateTimeOffset startedAt, long startTimestamp)
    {
        Id = id;
        Client = client;
        StartedAt = startedAt;
        StartTimestamp = startTimestamp;
    }

    public long Id { get; }

    public IPEndPoint? Client { get; set; }

    public DateTimeOffset StartedAt { get; }

    public long StartTimestamp { get; }

    /// <summary>
    /// The target's address as connected, asked of the socket (getpeername) the first time it is
    /// needed: most connections end without anyone asking. Null before the dial succeeds, or when
    /// the socket was closed before anyone asked.
    /// </summary>
    public string? Target
    {
        get
        {
            if (_target is null && TargetSocket is { } socket)
            {
                try
                {
                    _target = socket.RemoteEndPoint?.ToString();
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    // Closed already: the route's configured target is what callers fall back to.
                }
            }

            return _target;
        }
    }

    public Socket? TargetSocket { get; set; }

    public RelaySession? Session { get; set; }
}
