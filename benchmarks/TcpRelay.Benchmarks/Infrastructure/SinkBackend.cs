using System.Buffers.Binary;
using System.Net.Sockets;

namespace TcpRelay.Benchmarks.Infrastructure;

/// <summary>
/// Bulk transfer target: reads a 4-byte little-endian length and that many bytes, then answers
/// with one byte, so the client knows everything it sent has arrived. Repeats until EOF.
/// </summary>
internal sealed class SinkBackend : LoopbackBackend
{
    public const int HeaderSize = 4;

    protected override async Task ServeAsync(Socket socket)
    {
        byte[] header = new byte[HeaderSize];
        byte[] buffer = new byte[64 * 1024];
        byte[] ack = [1];
        while (await socket.ReceiveExactlyAsync(header))
        {
            int remaining = BinaryPrimitives.ReadInt32LittleEndian(header);
            while (remaining > 0)
            {
                int n = await socket.ReceiveAsync(buffer.AsMemory(0, Math.Min(buffer.Length, remaining)));
                if (n == 0)
                {
                    return;
                }

                remaining -= n;
            }

            await socket.SendAsync(ack);
        }
    }
}
