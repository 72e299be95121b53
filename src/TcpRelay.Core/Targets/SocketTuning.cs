using System.Net.Sockets;
using TcpRelay.Configuration;

namespace TcpRelay.Targets;

/// <summary>Applies a route's per-connection socket options to either side of a relay.</summary>
public static class SocketTuning
{
    /// <summary>
    /// Sets TCP_NODELAY and keepalive as the options say. TCP_NODELAY is set either way: an
    /// accepted socket inherits the listening socket's, which a reload may since have changed.
    /// </summary>
    public static void Apply(Socket socket, ConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(options);
        socket.NoDelay = options.NoDelay;

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
