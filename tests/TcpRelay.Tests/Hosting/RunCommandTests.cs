using System.Diagnostics;
using System.Net.Sockets;

namespace TcpRelay.Hosting;

public sealed class RunCommandTests
{
    [Fact]
    public async Task RunForwardsBytesThroughARoute()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using RunningRoute route = await RunningRoute.StartAsync();
        TcpRelayProcess relay = route.Relay;

        using (Socket client = await Loopback.ConnectAsync(route.Port, ct))
        {
            await Loopback.AssertEchoesAsync(client, 1 << 20, ct);
        }

        relay.Terminate();
        Assert.Equal(0, await relay.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, route.Echo.Accepted);
    }

    [Fact]
    public async Task HangupLeavesTheServiceRunning()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using RunningRoute route = await RunningRoute.StartAsync();
        TcpRelayProcess relay = route.Relay;

        relay.Hangup();
        await relay.WaitForLogAsync("SIGHUP", TimeSpan.FromSeconds(10));

        using (Socket client = await Loopback.ConnectAsync(route.Port, ct))
        {
            await Loopback.AssertEchoesAsync(client, 1000, ct);
        }

        Assert.False(relay.HasExited);
        relay.Terminate();
        Assert.Equal(0, await relay.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task SigtermDrainsThenAbortsWithinTheDrainTimeout()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using RunningRoute route = await RunningRoute.StartAsync(drainTimeout: "1s");
        TcpRelayProcess relay = route.Relay;
        using Socket idle = await Loopback.ConnectAsync(route.Port, ct);
        await Loopback.AssertEchoesAsync(idle, 1000, ct);

        var clock = Stopwatch.StartNew();
        relay.Terminate();
        int exitCode = await relay.WaitForExitAsync(TimeSpan.FromSeconds(20));
        TimeSpan stopped = clock.Elapsed;

        Assert.Equal(0, exitCode);

        // The idle connection holds the stop for the drain timeout, then it is aborted.
        Assert.InRange(stopped, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(11));
        Assert.Contains("0 connections finished during the drain, 1 aborted", relay.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, await Loopback.ReadToEndAsync(idle, ct));
    }

    [Fact]
    public async Task SigtermWithNoConnectionsStopsAtOnce()
    {
        await using RunningRoute route = await RunningRoute.StartAsync(drainTimeout: "30s");
        TcpRelayProcess relay = route.Relay;

        var clock = Stopwatch.StartNew();
        relay.Terminate();

        Assert.Equal(0, await relay.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {clock.Elapsed}");
    }

    [Fact]
    public async Task InvalidConfigurationListsEveryErrorAndExitsOne()
    {
        using var config = new TempConfigFile("""
            { "routes": { "a": { "listen": "127.0.0.1:0", "target": { "address": "127.0.0.1:80" }, "bogus": 1 } } }
            """);

        (int exitCode, TcpRelayProcess relay) = await TcpRelayProcess.RunAsync("run", "--config", config.Path);

        using (relay)
        {
            Assert.Equal(1, exitCode);
            Assert.Contains("$.routes.a.listen", relay.Stderr, StringComparison.Ordinal);
            Assert.Contains("$.routes.a.bogus", relay.Stderr, StringComparison.Ordinal);
            Assert.Contains("2 errors", relay.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task PortInUseFailsTheStartWithExitOne()
    {
        using var occupied = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        occupied.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        occupied.Listen();
        int port = ((System.Net.IPEndPoint)occupied.LocalEndPoint!).Port;
        using var config = TempConfigFile.LoopbackRoute(port, 9);

        (int exitCode, TcpRelayProcess relay) = await TcpRelayProcess.RunAsync("run", "--config", config.Path);

        using (relay)
        {
            Assert.Equal(1, exitCode);
            Assert.Contains($"cannot listen on 127.0.0.1:{port}", relay.Stderr, StringComparison.Ordinal);
        }
    }
}
