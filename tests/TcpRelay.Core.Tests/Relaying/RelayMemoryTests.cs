using System.Net;
using System.Net.Sockets;
using TcpRelay.Configuration;
using TcpRelay.TestSupport;

namespace TcpRelay.Relaying;

/// <summary>
/// Memory the relay takes per connection, measured as managed bytes allocated by the whole
/// process (GC.GetTotalAllocatedBytes) while the test runs alone. Receive buffers come from the
/// shared array pool: a buffer that is rented and given back is reused without allocating, while
/// one that a connection keeps forces the pool to allocate a new one for the next connection, so
/// held buffers show up as allocations of their full size.
/// </summary>
[Collection(nameof(MemoryMeasurement))]
public sealed class RelayMemoryTests
{
    private const int Connections = 200;
    private const int Segment = 64 * 1024;

    /// <summary>
    /// 200 connections that relayed a first exchange and then went quiet. A connection that kept
    /// a receive buffer while waiting would cost at least 64 KiB; the bound, 32 KiB per
    /// connection, covers the sockets, pipes and tasks of the relay and of the test's own client
    /// and backend (4 KiB buffer each), about 17 KiB together when measured.
    /// </summary>
    [Theory]
    [InlineData(100)]
    [InlineData(Segment)]
    [InlineData(4 * Segment)]
    public async Task IdleConnectionsHoldNoReceiveBuffers(int firstExchange)
    {
        await using var backend = new LoopbackBackend(SmallEchoAsync);
        await using RelayFixture relay = await RelayFixture.StartAsync(backend.EndPoint);
        var payload = new byte[firstExchange];
        var reply = new byte[firstExchange];
        DisposeAll(await OpenAndExchangeAsync(relay, payload, reply, 1));

        long before = AllocatedAfterCollect();
        List<Socket> clients = await OpenAndExchangeAsync(relay, payload, reply, Connections);
        try
        {
            await WaitUntilAsync(() => relay.Server.Routes[0].ActiveConnections == Connections);
            await Task.Delay(200, TestContext.Current.CancellationToken);
            long perConnection = (AllocatedAfterCollect() - before) / Connections;
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"first exchange {firstExchange} bytes: {perConnection} bytes allocated per idle connection");
            Assert.True(perConnection < 32 * 1024, $"{perConnection} bytes per idle connection");
        }
        finally
        {
            DisposeAll(clients);
        }
    }

    /// <summary>
    /// A client that trickles single bytes towards a target that reads nothing. The relay holds
    /// them (its limit here is far away) but its memory must stay near the bytes held, not one
    /// receive segment per receive: 1,000 bytes held in separate 64 KiB segments would be 64 MiB.
    /// Pipelines only: the splice path holds no byte in the process, and at most a pipe's worth.
    /// </summary>
    [Fact]
    public async Task TrickleTowardsStalledTargetTakesMemoryInProportionToBytes()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        const int Prefill = 8 * 1024 * 1024;
        const int Trickle = 1000;
        await using var backend = new LoopbackBackend(receiveBufferSize: 16 * 1024);
        await using RelayFixture relay = await RelayFixture.StartAsync(
            backend.EndPoint,
            new ConnectionOptions { MaxBufferedBytes = 64 * 1024 * 1024, DataPath = DataPath.Pipelines });
        using Socket client = await relay.ConnectAsync();
        using Socket target = await backend.AcceptAsync(TimeSpan.FromSeconds(10));

        // Fill the kernel path to the target, so the relay's sender blocks and later bytes stay in the relay.
        await client.SendAsync(new byte[Prefill], SocketFlags.None, ct);
        await WaitUntilAsync(() => BytesFromClient(relay) == Prefill);
        (long relaySendQueue, _) = KernelQueues.Of((IPEndPoint)target.RemoteEndPoint!, backend.EndPoint);
        long held = Prefill - relaySendQueue - target.Available;
        Assert.True(held > 1024 * 1024, $"the relay's sender is not blocked (it holds {held} bytes)");

        long before = AllocatedAfterCollect();
        var one = new byte[1];
        for (int i = 1; i <= Trickle; i++)
        {
            await client.SendAsync(one, SocketFlags.None, ct);
            await WaitUntilAsync(() => BytesFromClient(relay) == Prefill + i);
        }

        long allocated = AllocatedAfterCollect() - before;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{allocated} bytes allocated for {Trickle} single-byte receives");
        Assert.True(allocated < 16 * 1024 * 1024, $"{allocated} bytes allocated for {Trickle} bytes held");
    }

    private static long BytesFromClient(RelayFixture relay) => relay.Server.Connections.Single().BytesFromClient;

    private static async Task SmallEchoAsync(Socket socket, CancellationToken ct)
    {
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0)
        {
            await socket.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, ct);
        }
    }

    /// <summary>Opens connections one after another, each relaying the payload there and back.</summary>
    private static async Task<List<Socket>> OpenAndExchangeAsync(
        RelayFixture relay, byte[] payload, byte[] reply, int count)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        var clients = new List<Socket>(count);
        for (int i = 0; i < count; i++)
        {
            Socket client = await relay.ConnectAsync();
            clients.Add(client);
            await client.SendAsync(payload, SocketFlags.None, ct);
            int received = 0;
            while (received < reply.Length)
            {
                int read = await client.ReceiveAsync(reply.AsMemory(received), SocketFlags.None, ct);
                Assert.NotEqual(0, read);
                received += read;
            }
        }

        return clients;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using CancellationTokenSource timeout = Bounded.Within(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(1, timeout.Token);
        }
    }

    private static long AllocatedAfterCollect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalAllocatedBytes(precise: true);
    }

    private static void DisposeAll(List<Socket> sockets)
    {
        foreach (Socket socket in sockets)
        {
            socket.Dispose();
        }
    }
}
