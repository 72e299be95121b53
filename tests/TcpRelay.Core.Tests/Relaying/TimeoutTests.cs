using System.Diagnostics;
using System.Net.Sockets;
using TcpRelay.Configuration;
using TcpRelay.TestSupport;

namespace TcpRelay.Relaying;

public sealed class TimeoutTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(300);

    // Upper bound for a timer of 300 ms on a shared machine; the lower bound allows for clock granularity.
    private static readonly TimeSpan Late = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Early = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task IdleTimeoutEndsQuietConnection()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using var backend = LoopbackBackend.Echo();
        await using RelayFixture relay = await RelayFixture.StartAsync(
            backend.EndPoint, new ConnectionOptions { IdleTimeout = Limit });
        using Socket client = await relay.ConnectAsync();

        // The relay's last activity lies between sending and receiving the reply: the lower
        // bound counts from before the exchange, the upper bound from after it.
        var sinceSend = Stopwatch.StartNew();
        Assert.Equal([7], await SocketData.ExchangeAsync(client, [7], ct));
        var sinceReply = Stopwatch.StartNew();
        await SocketData.WaitClosedAsync(client);

        Assert.True(sinceSend.Elapsed >= Early, $"closed {sinceSend.Elapsed} after the last byte was sent");
        Assert.True(sinceReply.Elapsed <= Late, $"closed {sinceReply.Elapsed} after the last byte arrived");
        CapturedEntry ended = await relay.ConnectionEndedAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(EndReason.IdleTimeout, ended["Reason"]);
    }

    [Fact]
    public async Task TrafficKeepsIdleTimeoutAway()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using var backend = LoopbackBackend.Echo();
        // A longer timeout than the other tests: a busy machine must not stretch 100 ms gaps past it.
        await using RelayFixture relay = await RelayFixture.StartAsync(
            backend.EndPoint, new ConnectionOptions { IdleTimeout = TimeSpan.FromSeconds(1) });
        using Socket client = await relay.ConnectAsync();

        // Three times the idle timeout, with a byte every 100 ms.
        for (int i = 0; i < 30; i++)
        {
            Assert.Equal([(byte)i], await SocketData.ExchangeAsync(client, [(byte)i], ct));
            await Task.Delay(100, ct);
        }

        Assert.Empty(relay.Logs.WithId(RelayFixture.ConnectionEndedEvent));
    }

    [Fact]
    public async Task HalfCloseTimeoutEndsHalfClosedConnection()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using var backend = new LoopbackBackend();
        await using RelayFixture relay = await RelayFixture.StartAsync(
            backend.EndPoint, new ConnectionOptions { HalfCloseTimeout = Limit });
        using Socket client = await relay.ConnectAsync();
        using Socket target = await backend.AcceptAsync(TimeSpan.FromSeconds(10));

        // The client is done sending; the target reads the FIN but never answers nor closes.
        var halfClosed = Stopwatch.StartNew();
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await target.ReceiveAsync(new byte[1], SocketFlags.None, ct));
        await SocketData.WaitClosedAsync(client);

        Assert.InRange(halfClosed.Elapsed, Early, Late);
        CapturedEntry ended = await relay.ConnectionEndedAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(EndReason.HalfCloseTimeout, ended["Reason"]);
    }
}
