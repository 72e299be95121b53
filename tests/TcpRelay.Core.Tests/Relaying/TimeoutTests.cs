using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
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

    /// <summary>
    /// On a fake clock, so that a busy machine cannot stretch the gaps between bytes past the
    /// timeout: the relay's idle timer sees only the time the test lets pass.
    /// </summary>
    [Fact]
    public async Task TrafficKeepsIdleTimeoutAway()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider();
        await using var backend = LoopbackBackend.Echo();
        await using RelayFixture relay = await RelayFixture.StartAsync(
            backend.EndPoint,
            new ConnectionOptions { IdleTimeout = TimeSpan.FromSeconds(1) },
            timeProvider: clock);
        using Socket client = await relay.ConnectAsync();
        Assert.Equal([0], await SocketData.ExchangeAsync(client, [0], ct));

        // Five times 600 ms with a byte in between: three times the idle timeout in all.
        for (byte i = 1; i <= 5; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(600));
            Assert.Equal([i], await SocketData.ExchangeAsync(client, [i], ct));
        }

        Assert.Empty(relay.Logs.WithId(RelayFixture.ConnectionEndedEvent));
        clock.Advance(TimeSpan.FromMilliseconds(1100));
        await SocketData.WaitClosedAsync(client);
        CapturedEntry ended = await relay.ConnectionEndedAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(EndReason.IdleTimeout, ended["Reason"]);
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
