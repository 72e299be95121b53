using System.Net.Sockets;
using TcpRelay.Configuration;
using TcpRelay.Relaying.Splicing;
using TcpRelay.TestSupport;

namespace TcpRelay.Relaying;

/// <summary>
/// Connections that arrive together must not all end up on the loop that woke first: a burst of
/// long-lived connections would then be relayed by one thread while the other cores idle. Read
/// from the loops' own counts, while no other test relays.
/// </summary>
[Collection(nameof(MemoryMeasurement))]
public sealed class LoopBalanceTests
{
    private const int Burst = 64;

    [Fact]
    public async Task ABurstOfConnectionsIsSpreadOverTheSpliceLoops()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using var backend = new LoopbackBackend(async (socket, stopping) =>
        {
            var one = new byte[1];
            _ = await socket.ReceiveAsync(one, SocketFlags.None, stopping);
            await socket.SendAsync(one, SocketFlags.None, stopping);
            await SocketData.ReceiveUntilClosedAsync(socket, stopping);
        });
        await using RelayFixture relay = await RelayFixture.StartAsync(
            backend.EndPoint, new ConnectionOptions { DataPath = DataPath.Splice });
        SpliceLoop[] loops = SpliceEngine.AllLoops()!;
        Assert.SkipWhen(loops.Length < 2, "one splice loop only (one processor): nothing to spread over");
        int[] before = [.. loops.Select(l => l.Assigned)];

        Socket[] clients = await Task.WhenAll(Enumerable.Range(0, Burst).Select(_ => relay.ConnectAsync()));
        try
        {
            await Task.WhenAll(clients.Select(c => SocketData.ExchangeAsync(c, new byte[1], ct)));
            int[] held = [.. loops.Select((l, i) => l.Assigned - before[i])];
            string counts = string.Join(", ", held);

            Assert.Equal(Burst, held.Sum());
            Assert.True(held.Max() - held.Min() <= 8, $"connections per loop after a burst of {Burst}: {counts}");
        }
        finally
        {
            foreach (Socket client in clients)
            {
                client.Dispose();
            }
        }
    }
}
