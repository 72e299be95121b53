using System.Net.Sockets;
using TcpRelay.TestSupport;

namespace TcpRelay.Serving;

public sealed class ManyConnectionsTests
{
    private const int Connections = 1000;

    /// <summary>
    /// 1,000 connections open at once through one route, each echoing its own payload. Uses
    /// about 4,000 descriptors in this process (client, relay's two, backend's).
    /// </summary>
    [Fact]
    public async Task ThousandConcurrentConnectionsEachGetTheirOwnBytesBack()
    {
        using CancellationTokenSource timeout = Bounded.Within(TimeSpan.FromMinutes(2));
        CancellationToken ct = timeout.Token;
        await using var backend = LoopbackBackend.Echo();
        await using RelayFixture relay = await RelayFixture.StartAsync(backend.EndPoint);
        var clients = new Socket[Connections];
        try
        {
            // Opened in waves so the listen backlog is never the limit being tested.
            using var opening = new SemaphoreSlim(100);
            await Task.WhenAll(Enumerable.Range(0, Connections).Select(async i =>
            {
                await opening.WaitAsync(ct);
                try
                {
                    clients[i] = await relay.ConnectAsync();
                }
                finally
                {
                    opening.Release();
                }
            }));
            Assert.Equal(Connections, (await AllRelayedAsync(relay, ct)).ActiveConnections);

            byte[][] payloads = [.. Enumerable.Range(0, Connections).Select(Payload)];
            byte[][] replies = await Task.WhenAll(Enumerable.Range(0, Connections)
                .Select(i => SocketData.ExchangeAsync(clients[i], payloads[i], ct)));

            for (int i = 0; i < Connections; i++)
            {
                Assert.Equal(payloads[i], replies[i]);
            }
        }
        finally
        {
            foreach (Socket? client in clients)
            {
                client?.Dispose();
            }
        }

        IReadOnlyList<CapturedEntry> ended = await relay.Logs.WaitForAsync(
            RelayFixture.ConnectionEndedEvent, Connections, TimeSpan.FromSeconds(30));
        Assert.All(ended, e => Assert.Equal(Relaying.EndReason.ClientClosed, e["Reason"]));
    }

    /// <summary>
    /// Connections that arrive one at a time, each waiting for its echo before the next
    /// connects: every splice loop wakes for the listening socket, and a loop that finds the
    /// connection taken by another must not block in accept (its own connections would stall
    /// until the next client came, which here never comes first). Then the server must stop
    /// promptly, which waits for every loop to be out of accept.
    /// </summary>
    [Fact]
    public async Task ConnectionsArrivingOneAtATimeAreEachRelayedAndTheServerStopsPromptly()
    {
        const int Sequential = 300;
        await using var backend = LoopbackBackend.Echo();
        RelayFixture relay = await RelayFixture.StartAsync(backend.EndPoint);
        try
        {
            for (int i = 0; i < Sequential; i++)
            {
                using CancellationTokenSource exchange = Bounded.Within(TimeSpan.FromSeconds(5));
                using Socket client = await relay.ConnectAsync();
                byte[] payload = Payload(i);
                Assert.Equal(payload, await SocketData.ExchangeAsync(client, payload, exchange.Token));
            }
        }
        finally
        {
            await Bounded.WaitAsync(relay.DisposeAsync().AsTask(), TimeSpan.FromSeconds(10), "the relay stopping");
        }
    }

    private static async Task<RouteStatus> AllRelayedAsync(RelayFixture relay, CancellationToken ct)
    {
        while (relay.Server.Routes[0].ActiveConnections < Connections)
        {
            await Task.Delay(20, ct);
        }

        return relay.Server.Routes[0];
    }

    /// <summary>A payload no other connection has: its index, then random bytes (1 to 4 KiB in all).</summary>
    private static byte[] Payload(int index)
    {
        var payload = new byte[Random.Shared.Next(8, 4096)];
        Random.Shared.NextBytes(payload);
        BitConverter.TryWriteBytes(payload, index);
        return payload;
    }
}
