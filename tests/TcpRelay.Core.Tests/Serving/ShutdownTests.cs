using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TcpRelay.Relaying;
using TcpRelay.TestSupport;

namespace TcpRelay.Serving;

public sealed class ShutdownTests
{
    private const int DrainingEvent = 204;
    private const int StoppedEvent = 205;
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task StopLetsConnectionsFinishWithinDrainThenResetsTheRest()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using var backend = LoopbackBackend.Echo();
        await using RelayFixture relay = await RelayFixture.StartAsync(backend.EndPoint);
        using Socket finishing = await relay.ConnectAsync();
        using Socket lingering = await relay.ConnectAsync();
        Assert.Equal([1], await SocketData.ExchangeAsync(finishing, [1], ct));
        Assert.Equal([2], await SocketData.ExchangeAsync(lingering, [2], ct));

        IPEndPoint endPoint = relay.EndPoint;
        var watch = Stopwatch.StartNew();
        Task stopping = relay.Server.StopAsync(Drain, ct);
        await relay.Logs.WaitForAsync(DrainingEvent, TimeSpan.FromSeconds(5));

        // During the drain: no new connections, while a live one still relays and finishes.
        using var late = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(async () => await late.ConnectAsync(endPoint, ct));
        Assert.Equal([3], await SocketData.ExchangeAsync(finishing, [3], ct));
        finishing.Shutdown(SocketShutdown.Send);
        Assert.Equal(SocketError.Success, await SocketData.WaitClosedAsync(finishing));

        // Past the drain the other one is reset.
        Assert.Equal(SocketError.ConnectionReset, await SocketData.WaitClosedAsync(lingering));
        await Bounded.WaitAsync(stopping, TimeSpan.FromSeconds(10), "StopAsync");
        Assert.InRange(watch.Elapsed, Drain, Drain + TimeSpan.FromSeconds(5));

        IReadOnlyList<CapturedEntry> ended = relay.Logs.WithId(RelayFixture.ConnectionEndedEvent);
        Assert.Equal(
            [EndReason.ClientClosed, EndReason.Shutdown],
            ended.Select(e => (EndReason)e["Reason"]!).Order());
        CapturedEntry stopped = Assert.Single(relay.Logs.WithId(StoppedEvent));
        Assert.Equal(1, stopped["Finished"]);
        Assert.Equal(1, stopped["Aborted"]);

        // The status view still answers: the route is there, no longer listening.
        RouteStatus route = Assert.Single(relay.Server.Routes);
        Assert.Null(route.Listen);
        Assert.Equal(0, route.ActiveConnections);
    }
}
