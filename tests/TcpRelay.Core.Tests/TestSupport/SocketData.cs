using System.Net.Sockets;
using System.Security.Cryptography;

namespace TcpRelay.TestSupport;

/// <summary>Whole streams sent and received on raw sockets, hashed so that megabytes compare cheaply.</summary>
internal static class SocketData
{
    /// <summary>
    /// Sends <paramref name="total"/> pseudo-random bytes in writes of random size (1 byte to
    /// 256 KiB), then shuts down sending unless told not to. Returns the SHA-256 of what was sent.
    /// </summary>
    public static async Task<byte[]> SendRandomAsync(
        Socket socket, long total, int seed, CancellationToken ct, bool shutdown = true)
    {
        var random = new Random(seed);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[256 * 1024];
        long left = total;
        while (left > 0)
        {
            int size = (int)Math.Min(left, random.Next(1, buffer.Length + 1));
            Memory<byte> chunk = buffer.AsMemory(0, size);
            random.NextBytes(chunk.Span);
            hash.AppendData(chunk.Span);
            await socket.SendAsync(chunk, SocketFlags.None, ct);
            left -= size;
        }

        if (shutdown)
        {
            socket.Shutdown(SocketShutdown.Send);
        }

        return hash.GetHashAndReset();
    }

    /// <summary>Reads until EOF; returns the byte count and SHA-256. A reset throws.</summary>
    public static async Task<(long Bytes, byte[] Hash)> ReceiveToEndAsync(Socket socket, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long bytes = 0;
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            bytes += read;
        }

        return (bytes, hash.GetHashAndReset());
    }

    /// <summary>Reads (and drops) until the connection ends; returns the error, or Success for a FIN.</summary>
    public static async Task<SocketError> ReceiveUntilClosedAsync(Socket socket, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, ct) > 0)
            {
            }

            return SocketError.Success;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
    }

    /// <summary>Waits (at most 10 s) until the connection ends; returns the error, or Success for a FIN.</summary>
    public static async Task<SocketError> WaitClosedAsync(Socket socket)
    {
        using CancellationTokenSource timeout = Bounded.Within(TimeSpan.FromSeconds(10));
        return await ReceiveUntilClosedAsync(socket, timeout.Token);
    }

    /// <summary>Sends exactly the bytes and reads back as many; for request/response checks.</summary>
    public static async Task<byte[]> ExchangeAsync(Socket socket, byte[] payload, CancellationToken ct)
    {
        await socket.SendAsync(payload, SocketFlags.None, ct);
        var received = new byte[payload.Length];
        int offset = 0;
        while (offset < received.Length)
        {
            int read = await socket.ReceiveAsync(received.AsMemory(offset), SocketFlags.None, ct);
            if (read == 0)
            {
                break;
            }

            offset += read;
        }

        return received.AsSpan(0, offset).ToArray();
    }

    /// <summary>Closes with an RST instead of a FIN (SO_LINGER on with a zero timeout).</summary>
    public static void Reset(Socket socket)
    {
        socket.LingerState = new LingerOption(true, 0);
        socket.Dispose();
    }
}
