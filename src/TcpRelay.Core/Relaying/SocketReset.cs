using System.Net.Sockets;

namespace TcpRelay.Relaying;

/// <summary>The abortive close (RST instead of FIN) every part of the relay uses.</summary>
internal static class SocketReset
{
    /// <summary>Closes the socket so that its peer sees a reset; safe on a socket already closed.</summary>
    public static void Close(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Reset by the peer or closed already: disposing is all that is left.
        }

        socket.Dispose();
    }
}
