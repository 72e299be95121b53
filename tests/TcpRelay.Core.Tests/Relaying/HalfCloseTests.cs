using System.Net.Sockets;
using TcpRelay.Configuration;
using TcpRelay.TestSupport;

namespace TcpRelay.Relaying;

public sealed class HalfCloseTests
{
    private const long Reply = 1024 * 1024;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(DataPath.Splice)]
    [InlineData(DataPath.Pipelines)]
    public async Task ClientFinLetsTargetSendEverythingAfterIt(DataPath dataPath)
    {
        using CancellationTokenSource timeout = Bounded.Within(Bound);
        CancellationToken ct = timeout.Token;
        var backendSent = new TaskCompletionSource<(long Received, byte[] Sent)>();
        await using var backend = new LoopbackBackend(async (socket, stopping) =>
        {
            try
            {
                // Reads to the client's FIN first: the reply starts only after it.
                (long received, _) = await SocketData.ReceiveToEndAsync(socket, ct);
                backendSent.SetResult((received, await SocketData.SendRandomAsync(socket, Reply, seed: 3, ct)));
            }
            catch (Exception e)
            {
                backendSent.SetException(e);
            }
        });
        await using RelayFixture relay = await RelayFixture.StartAsync(
            backend.EndPoint, new ConnectionOptions { DataPath = dataPath });
        using Socket client = await relay.ConnectAsync();

        await SocketData.SendRandomAsync(client, 100_000, seed: 4, ct);
        (long received, byte[] hash) = await SocketData.ReceiveToEndAsync(client, ct);

        (long backendReceived, byte[] sent) = await backendSent.Task.WaitAsync(ct);
        Assert.Equal(100_000, backendReceived);
        Assert.Equal(Reply, received);
        Assert.Equal(sent, hash);
        CapturedEntry ended = await relay.ConnectionEndedAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(EndReason.ClientClosed, ended["Reason"]);
    }

    [Theory]
    [InlineData(DataPath.Splice)]
    [InlineData(DataPath.Pipelines)]
    public async Task TargetFinLetsClientSendEverythingAfterIt(DataPath dataPath)
    {
        using CancellationTokenSource timeout = Bounded.Within(Bound);
        CancellationToken ct = timeout.Token;
        var backendReceived = new TaskCompletionSource<(long Bytes, byte[] Hash)>();
        await using var backend = new LoopbackBackend(async (socket, stopping) =>
        {
            try
            {
                await SocketData.SendRandomAsync(socket, 1000, seed: 5, ct);
                backendReceived.SetResult(await SocketData.ReceiveToEndAsync(socket, ct));
            }
            catch (Exception e)
            {
                backendReceived.SetException(e);
            }
        });
        await using RelayFixture relay = await RelayFixture.StartAsync(
            backend.EndPoint, new ConnectionOptions { DataPath = dataPath });
        using Socket client = await relay.ConnectAsync();

        // The target's FIN reaches the client first; the client's direction must stay open.
        (long fromTarget, _) = await SocketData.ReceiveToEndAsync(client, ct);
        byte[] sent = await SocketData.SendRandomAsync(client, Reply, seed: 6, ct);

        (long bytes, byte[] hash) = await backendReceived.Task.WaitAsync(ct);
        Assert.Equal(1000, fromTarget);
        Assert.Equal(Reply, bytes);
        Assert.Equal(sent, hash);
        CapturedEntry ended = await relay.ConnectionEndedAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(EndReason.TargetClosed, ended["Reason"]);
    }

    // A target that answers and closes at once, as an HTTP server does with "Connection: close":
    // its reply and its FIN arrive together, and the relay must pass on every byte, then the FIN.
    // Sizes on both sides of what the splice path copies in one read.
    [Theory]
    [InlineData(DataPath.Splice, 1)]
    [InlineData(DataPath.Splice, 8191)]
    [InlineData(DataPath.Splice, 8192)]
    [InlineData(DataPath.Splice, 8193)]
    [InlineData(DataPath.Splice, 70_000)]
    [InlineData(DataPath.Pipelines, 1)]
    [InlineData(DataPath.Pipelines, 70_000)]
    public async Task ReplyFollowedAtOnceByFinReachesTheClientWhole(DataPath dataPath, int replySize)
    {
        using CancellationTokenSource timeout = Bounded.Within(Bound);
        CancellationToken ct = timeout.Token;
        var reply = new byte[replySize];
        new Random(replySize).NextBytes(reply);
        await using var backend = new LoopbackBackend(async (socket, stopping) =>
        {
            var request = new byte[64];
            for (int got = 0; got < request.Length;)
            {
                got += await socket.ReceiveAsync(request.AsMemory(got), SocketFlags.None, ct);
            }

            // The handler's return closes the socket: the FIN follows the reply immediately.
            await socket.SendAsync(reply, SocketFlags.None, ct);
        });
        await using RelayFixture relay = await RelayFixture.StartAsync(
            backend.EndPoint, new ConnectionOptions { DataPath = dataPath });

        for (int round = 0; round < 20; round++)
        {
            using Socket client = await relay.ConnectAsync();
            await client.SendAsync(new byte[64], SocketFlags.None, ct);
            byte[] received = await ReceiveToEndAsync(client, ct);
            Assert.True(
                reply.AsSpan().SequenceEqual(received),
                $"round {round}: {received.Length} of {replySize} bytes, or altered ones, before the FIN");
        }
    }

    private static async Task<byte[]> ReceiveToEndAsync(Socket socket, CancellationToken ct)
    {
        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0)
        {
            received.Write(buffer, 0, read);
        }

        return received.ToArray();
    }
}
