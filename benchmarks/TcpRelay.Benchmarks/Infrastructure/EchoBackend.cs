using System.Net.Sockets;

namespace TcpRelay.Benchmarks.Infrastructure;

/// <summary>Sends back whatever arrives, until the client closes: the kept-alive round trip.</summary>
internal sealed class EchoBackend : LoopbackBackend
{
    protected override async Task ServeAsync(Socket socket)
    {
        byte[] buffer = new byte[4096];
        int n;
        while ((n = await socket.ReceiveAsync(buffer)) > 0)
        {
            await socket.SendAsync(buffer.AsMemory(0, n));
        }
    }
}
