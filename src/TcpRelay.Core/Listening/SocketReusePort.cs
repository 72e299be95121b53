using System.Net.Sockets;

namespace TcpRelay.Listening;

/// <summary>SO_REUSEPORT, which .NET exposes only as a raw option on Linux.</summary>
internal static class SocketReusePort
{
    private const int SolSocket = 1;
    private const int SoReusePort = 15;

    public static void Enable(Socket socket) =>
        socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
}
