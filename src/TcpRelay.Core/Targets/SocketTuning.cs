using System.Net.Sockets;
using TcpRelay.Configuration;

namespace TcpRelay.Targets;

/// <summary>Applies a route's per-connection socket options to either side of a relay.</summary>
public static class SocketTuning
{
    /// <summary>
    /// Sets TCP_NODELAY and keepalive as the options say. <paramref name="inheritedNoDelay"/> is
    /// the TCP_NODELAY the socket has already: off for a new socket, the listening socket's for an
    /// accepted one (which a reload may have left different from the route's); it is set only
    /// when it differs.
    /// </summary>
    public static void Apply(Socket socket, ConnectionOptions options, bool inheritedNoDelay = false)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(options);
        if (options.NoDelay != inheritedNoDelay)
        {
            socket.NoDelay = options.NoDelay;
        }

        if (options.KeepAlive is { } keepAlive)
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(
                SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, Seconds(keepAlive.Time));
            socket.SetSocketOption(
                SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, Seconds(keepAlive.Interval));
            socket.SetSocketOption(
                SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, keepAlive.Count);
        }
    }

    private static int Seconds(TimeSpan span) => Math.Max(1, (int)Math.Ceiling(span.TotalSeconds));
}
