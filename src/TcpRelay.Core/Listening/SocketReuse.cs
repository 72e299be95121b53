using System.Net.Sockets;

namespace TcpRelay.Listening;

/// <summary>
/// SO_REUSEADDR and SO_REUSEPORT as raw Linux options. .NET's own ReuseAddress option sets
/// SO_REUSEPORT as well on Linux, which would let a second listener bind a port already in use
/// (and share its connections) instead of failing.
/// </summary>
internal static class SocketReuse
{
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;
    private const int SoReusePort = 15;

    public static void EnableAddress(Socket socket) => Enable(socket, SoReuseAddr);

    public static void EnablePort(Socket socket) => Enable(socket, SoReusePort);

    private static void Enable(Socket socket, int option) =>
        socket.SetRawSocketOption(SolSocket, option, BitConverter.GetBytes(1));
}
