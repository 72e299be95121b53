using System.Buffers;
using System.Net.Sockets;

namespace TcpRelay.Admission;

/// <summary>
/// Reads a PROXY header from an accepted socket and consumes exactly the header: the first
/// byte left in the socket is the client's first byte, so the data path relays it as usual.
/// </summary>
/// <remarks>
/// Every read is bounded so it cannot take a byte past the header. No header of either version
/// is shorter than 15 bytes, so up to 15 are read outright. A v2 header then announces its own
/// length, so the rest is read by count. A v1 line ends at an LF that can be anywhere, so its
/// bytes are peeked (MSG_PEEK) and only those up to and including the LF are consumed; when no
/// LF is there yet, everything peeked is still header and is consumed, so the next read waits
/// for new bytes instead of spinning on the same ones.
/// </remarks>
internal static class ProxyHeaderReader
{
    public static async ValueTask<ProxyReadResult> ReadAsync(
        Socket socket,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ProxyHeaderParser.MaxLength);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        int have = 0;
        try
        {
            while (true)
            {
                ProxyParseStatus status = ProxyHeaderParser.Parse(
                    buffer.AsSpan(0, have), out ProxyHeader header, out string? problem);
                if (status == ProxyParseStatus.Complete)
                {
                    return new ProxyReadResult(header, Refusal.None, null);
                }

                if (status == ProxyParseStatus.Invalid)
                {
                    return new ProxyReadResult(default, Refusal.ProxyHeaderInvalid, problem);
                }

                int received = await ReceiveMoreAsync(socket, buffer, have, timer.Token);
                if (received == 0)
                {
                    return new ProxyReadResult(
                        default, Refusal.ProxyHeaderInvalid, $"connection closed after {have} header bytes");
                }

                have += received;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProxyReadResult(
                default, Refusal.ProxyHeaderTimeout, $"no complete header within {timeout.TotalSeconds:0.###} s");
        }
        catch (SocketException e)
        {
            return new ProxyReadResult(default, Refusal.ProxyHeaderInvalid, $"socket error {e.SocketErrorCode}");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async ValueTask<int> ReceiveMoreAsync(Socket socket, byte[] buffer, int have, CancellationToken token)
    {
        ReadOnlySpan<byte> data = buffer.AsSpan(0, have);
        int want;
        if (have > 0 && ProxyHeaderParser.IsV2(data))
        {
            want = have < ProxyHeaderParser.V2FixedLength
                ? ProxyHeaderParser.V2FixedLength - have
                : ProxyHeaderParser.V2TotalLength(data) - have;
        }
        else if (have < ProxyHeaderParser.V1MinLength)
        {
            want = ProxyHeaderParser.V1MinLength - have;
        }
        else
        {
            return await ReceiveV1LineAsync(socket, buffer, have, token);
        }

        return await socket.ReceiveAsync(buffer.AsMemory(have, want), SocketFlags.None, token);
    }

    private static async ValueTask<int> ReceiveV1LineAsync(Socket socket, byte[] buffer, int have, CancellationToken token)
    {
        int room = ProxyHeaderParser.V1MaxLength - have;
        int peeked = await socket.ReceiveAsync(buffer.AsMemory(have, room), SocketFlags.Peek, token);
        if (peeked == 0)
        {
            return 0;
        }

        int lf = buffer.AsSpan(have, peeked).IndexOf((byte)'\n');
        int take = lf >= 0 ? lf + 1 : peeked;
        int taken = 0;
        while (taken < take)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(have + taken, take - taken), SocketFlags.None, token);
            if (n == 0)
            {
                return 0;
            }

            taken += n;
        }

        return taken;
    }
}
