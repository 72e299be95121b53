using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TcpRelay.Configuration;
using TcpRelay.Relaying;
using TcpRelay.TestSupport;

namespace TcpRelay.Targets;

public sealed class ConnectFailureTests
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task RefusedTargetClosesClientPromptly()
    {
        // A bound port with no listener answers a SYN with a reset; keeping it bound keeps it unused.
        using var reserved = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        reserved.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using RelayFixture relay = await RelayFixture.StartAsync((IPEndPoint)reserved.LocalEndPoint!);

        var watch = Stopwatch.StartNew();
        try
        {
            using Socket client = await relay.ConnectAsync();
            await SocketData.WaitClosedAsync(client);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // The relay's reset came before the connect returned.
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"closed after {watch.Elapsed}");
        CapturedEntry ended = await relay.ConnectionEndedAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(EndReason.TargetRefused, ended["Reason"]);
        Assert.Single(relay.Logs.WithId(201));
    }

    /// <summary>
    /// A target that never answers, without leaving loopback or changing the host's firewall:
    /// a listener with backlog 0 that never accepts. Its accept queue holds one connection; once
    /// that is taken, Linux drops every further SYN while the queue is full (whatever SYN
    /// cookies say), so the relay's connect gets no answer at all.
    /// </summary>
    [Fact]
    public async Task SilentTargetClosesClientAfterConnectTimeout()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(0);
        var target = (IPEndPoint)silent.LocalEndPoint!;
        using var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await filler.ConnectAsync(target, ct);
        await using RelayFixture relay = await RelayFixture.StartAsync(
            target, new ConnectionOptions { ConnectTimeout = ConnectTimeout });
        using Socket client = await relay.ConnectAsync();

        var watch = Stopwatch.StartNew();
        await SocketData.WaitClosedAsync(client);

        Assert.InRange(watch.Elapsed, ConnectTimeout - TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2));
        CapturedEntry ended = await relay.ConnectionEndedAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(EndReason.ConnectTimeout, ended["Reason"]);
    }
}
