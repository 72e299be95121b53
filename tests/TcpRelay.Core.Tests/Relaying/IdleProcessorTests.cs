using System.Net.Sockets;
using TcpRelay.Configuration;
using TcpRelay.TestSupport;

namespace TcpRelay.Relaying;

/// <summary>
/// Quiet connections must cost the splice loops no processor time: a loop that keeps finding
/// work it cannot do (a socket reported again and again) or that never stops looking for work
/// shows up as time its thread spends on a processor. Read per thread from /proc, while no other
/// test relays.
/// </summary>
[Collection(nameof(MemoryMeasurement))]
public sealed class IdleProcessorTests
{
    private const int Open = 20;
    private const int HalfClosed = 20;

    [Fact]
    public async Task SpliceLoopsSleepWhileTheirConnectionsAreQuiet()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using var backend = new LoopbackBackend(async (socket, stopping) =>
        {
            var message = new byte[100];
            for (int got = 0; got < message.Length;)
            {
                got += await socket.ReceiveAsync(message.AsMemory(got), SocketFlags.None, stopping);
            }

            await socket.SendAsync(message, SocketFlags.None, stopping);

            // Every other connection is left half closed: the target is done, the client is not.
            if (socket.RemoteEndPoint is System.Net.IPEndPoint { Port: var port } && port % 2 == 0)
            {
                socket.Shutdown(SocketShutdown.Send);
            }

            await SocketData.ReceiveUntilClosedAsync(socket, stopping);
        });
        await using RelayFixture relay = await RelayFixture.StartAsync(
            backend.EndPoint, new ConnectionOptions { DataPath = DataPath.Splice });

        var clients = new List<Socket>();
        try
        {
            for (int i = 0; i < Open + HalfClosed; i++)
            {
                Socket client = await relay.ConnectAsync();
                clients.Add(client);
                byte[] echoed = await SocketData.ExchangeAsync(client, new byte[100], ct);
                Assert.Equal(100, echoed.Length);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            long before = SpliceThreadTicks(out int threads);
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            long used = SpliceThreadTicks(out _) - before;

            // A loop that spun would take about 200 ticks (2 s at 100 per second); a sleeping one 0.
            Assert.True(threads > 0, "no splice loop thread found: the connections did not take the splice path");
            Assert.True(used <= 10, $"the splice loops used {used} clock ticks in 2 s of quiet");
        }
        finally
        {
            foreach (Socket client in clients)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>User plus system clock ticks of this process's splice loop threads.</summary>
    private static long SpliceThreadTicks(out int threads)
    {
        long ticks = 0;
        threads = 0;
        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith("tcprelay splice", StringComparison.Ordinal))
                {
                    continue;
                }

                // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
                string stat = File.ReadAllText(Path.Combine(task, "stat"));
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11]) + long.Parse(fields[12]);
                threads++;
            }
            catch (IOException)
            {
                // The thread ended between the listing and the read.
            }
        }

        return ticks;
    }
}
