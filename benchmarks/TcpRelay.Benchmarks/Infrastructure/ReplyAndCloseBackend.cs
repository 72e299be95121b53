using System.Net.Sockets;

namespace TcpRelay.Benchmarks.Infrastructure;

/// <summary>
/// One request, one response, then the server closes first, like an HTTP/1.0 server. Closing
/// first leaves TIME_WAIT on the server's fixed port instead of on the client's ephemeral ports,
/// which a long run of short connections would otherwise exhaust.
/// </summary>
internal sealed class ReplyAndCloseBackend : LoopbackBackend
{
    public const int MessageSize = 64;

    protected override async Task ServeAsync(Socket socket)
    {
        byte[] message = new byte[MessageSize];
        if (await socket.ReceiveExactlyAsync(message))
        {
            await socket.SendAsync(message);
        }
    }
}
