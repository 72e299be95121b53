using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TcpRelay.Configuration;

namespace TcpRelay.Docker;

/// <summary>Socket and timing helpers shared by the tests that relay to containers and namespaces.</summary>
internal static class Wire
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>True when the peer closes or resets the connection within the limit.</summary>
    public static async Task<bool> IsClosedAsync(Socket socket, TimeSpan limit)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(limit);
        try
        {
            return await socket.ReceiveAsync(new byte[1], timeout.Token) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException) when (!Cancel.IsCancellationRequested)
        {
            return false;
        }
    }

    public static RouteConfig Route(TargetConfig target) => new()
    {
        Name = "test",
        Listen = new ListenConfig { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) },
        Target = target,
    };

    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "condition not met within 10 s");
            await Task.Delay(20, Cancel);
        }
    }

    public static async Task<string> ReadLineAsync(Socket socket, TimeSpan? limit = null)
    {
        var line = new List<byte>();
        byte[] one = new byte[1];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(limit ?? TimeSpan.FromSeconds(5));
        while (await socket.ReceiveAsync(one, timeout.Token) == 1 && one[0] != '\n')
        {
            line.Add(one[0]);
        }

        return System.Text.Encoding.ASCII.GetString([.. line]);
    }

    public static async Task<byte[]> EchoAsync(Socket socket, byte[] data)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        Task send = Task.Run(async () =>
        {
            await socket.SendAsync(data, timeout.Token);
            socket.Shutdown(SocketShutdown.Send);
        }, timeout.Token);
        using var received = new MemoryStream();
        byte[] buffer = new byte[64 * 1024];
        int count;
        while ((count = await socket.ReceiveAsync(buffer, timeout.Token)) > 0)
        {
            received.Write(buffer, 0, count);
        }

        await send;
        return received.ToArray();
    }
}
