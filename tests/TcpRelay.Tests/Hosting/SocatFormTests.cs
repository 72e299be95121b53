using System.Net.Sockets;

namespace TcpRelay.Hosting;

public sealed class SocatFormTests
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ForkingFormRelaysEveryConnectionUntilStopped()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using var echo = new LoopbackEchoServer();
        int port = Loopback.FreePort();
        using var relay = TcpRelayProcess.Start(
            "-d", "-d", $"TCP4-LISTEN:{port},fork,reuseaddr,bind=127.0.0.1", $"TCP4:127.0.0.1:{echo.Port}");
        await relay.WaitForLogAsync($"listening on 127.0.0.1:{port}", StartBound);

        for (int i = 0; i < 3; i++)
        {
            using Socket client = await Loopback.ConnectAsync(port, ct);
            await Loopback.AssertEchoesAsync(client, 100_000, ct);
            client.Shutdown(SocketShutdown.Send);
            Assert.Equal(0, await Loopback.ReadToEndAsync(client, ct));
        }

        // -d -d logs one line per connection.
        await relay.WaitForLogAsync("ended: ClientClosed", TimeSpan.FromSeconds(10));
        Assert.False(relay.HasExited);
        relay.Terminate();
        Assert.Equal(0, await relay.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(3, echo.Accepted);
    }

    [Fact]
    public async Task WithoutForkTheProcessExitsAfterOneConnection()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using var echo = new LoopbackEchoServer();
        int port = Loopback.FreePort();
        using var relay = TcpRelayProcess.Start($"tcp-listen:{port},bind=127.0.0.1", $"tcp:127.0.0.1:{echo.Port}");
        await relay.WaitForLogAsync($"listening on 127.0.0.1:{port}", StartBound);

        using (Socket client = await Loopback.ConnectAsync(port, ct))
        {
            await Loopback.AssertEchoesAsync(client, 10_000, ct);
            client.Shutdown(SocketShutdown.Send);
            Assert.Equal(0, await Loopback.ReadToEndAsync(client, ct));
        }

        Assert.Equal(0, await relay.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(1, echo.Accepted);
    }
}
