using System.Net.Sockets;

namespace TcpRelay.Benchmarks.Infrastructure;

/// <summary>Receive helpers for the benchmark clients and backends.</summary>
internal static class SocketExtensions
{
    /// <summary>
    /// Fills <paramref name="buffer"/>. Returns false when the peer closed before the first byte;
    /// a close in the middle of the buffer is an error.
    /// </summary>
    public static async ValueTask<bool> ReceiveExactlyAsync(this Socket socket, Memory<byte> buffer)
    {
        int received = 0;
        while (received < buffer.Length)
        {
            int n = await socket.ReceiveAsync(buffer[received..], SocketFlags.None);
            if (n == 0)
            {
                return received == 0
                    ? false
                    : throw new IOException($"Peer closed after {received} of {buffer.Length} bytes.");
            }

            received += n;
        }

        return true;
    }

    /// <summary>Opens a loopback connection with Nagle off, as the relay does on both sides.</summary>
    public static async ValueTask<Socket> ConnectAsync(System.Net.IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
        {
            NoDelay = true,
        };
        try
        {
            await socket.ConnectAsync(endPoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
