using System.Net.Sockets;
using TcpRelay.Configuration;
using TcpRelay.TestSupport;

namespace TcpRelay.Relaying;

public sealed class RelayIntegrityTests
{
    private const long Size = 64L * 1024 * 1024;

    [Theory]
    [InlineData(DataPath.Splice)]
    [InlineData(DataPath.Pipelines)]
    public async Task RandomDataBothWaysAtOnceArrivesIntact(DataPath dataPath)
    {
        using CancellationTokenSource timeout = Bounded.Within(TimeSpan.FromMinutes(3));
        CancellationToken ct = timeout.Token;
        var atBackend = new TaskCompletionSource<(byte[] Sent, long Received, byte[] ReceivedHash)>();
        await using var backend = new LoopbackBackend(async (socket, stopping) =>
        {
            try
            {
                Task<byte[]> sending = SocketData.SendRandomAsync(socket, Size, seed: 2, ct);
                (long received, byte[] hash) = await SocketData.ReceiveToEndAsync(socket, ct);
                atBackend.SetResult((await sending, received, hash));
            }
            catch (Exception e)
            {
                atBackend.SetException(e);
            }
        });
        await using RelayFixture relay = await RelayFixture.StartAsync(
            backend.EndPoint, new ConnectionOptions { DataPath = dataPath });
        using Socket client = await relay.ConnectAsync();

        Task<byte[]> clientSending = SocketData.SendRandomAsync(client, Size, seed: 1, ct);
        (long clientReceived, byte[] clientReceivedHash) = await SocketData.ReceiveToEndAsync(client, ct);
        byte[] clientSent = await clientSending;
        (byte[] backendSent, long backendReceived, byte[] backendReceivedHash) =
            await atBackend.Task.WaitAsync(ct);

        Assert.Equal(Size, backendReceived);
        Assert.Equal(clientSent, backendReceivedHash);
        Assert.Equal(Size, clientReceived);
        Assert.Equal(backendSent, clientReceivedHash);
        CapturedEntry ended = await relay.ConnectionEndedAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Size, ended["BytesFromClient"]);
        Assert.Equal(Size, ended["BytesFromTarget"]);
        Assert.Equal(dataPath == DataPath.Splice ? "splice" : "pipelines", ended["DataPath"]);
    }

    // Request and response on one connection, with no FIN and no later bytes to push along what
    // a relay left behind: a message the relay stopped short of reading waits for ever.
    [Theory]
    [InlineData(DataPath.Splice)]
    [InlineData(DataPath.Pipelines)]
    public async Task MessagesOfEverySizeComeBackWholeWithNothingSentAfterThem(DataPath dataPath)
    {
        using CancellationTokenSource timeout = Bounded.Within(TimeSpan.FromSeconds(90));
        CancellationToken ct = timeout.Token;
        // Segments of 1,000 bytes fill a pipe's 16 slots with 16,000 bytes, so that a splice from
        // the client often stops at a full pipe while the socket still holds bytes.
        await using LoopbackBackend backend = LoopbackBackend.Echo();
        await using RelayFixture relay = await RelayFixture.StartAsync(
            backend.EndPoint, new ConnectionOptions { DataPath = dataPath });
        using Socket client = await relay.ConnectAsync(maxSegmentSize: 1000);

        var random = new Random(3);
        for (int round = 0; round < 60; round++)
        {
            // Copied (small), spliced, and spliced through a pipe that fills before the socket
            // is empty (large).
            int size = (round % 3) switch
            {
                0 => random.Next(1, 8 * 1024),
                1 => random.Next(8 * 1024, 96 * 1024),
                _ => random.Next(96 * 1024, 2 * 1024 * 1024),
            };
            var message = new byte[size];
            random.NextBytes(message);
            Task sending = SendAllAsync(client, message, ct);
            byte[] echoed = await ReceiveExactlyAsync(client, size, ct);
            await sending;
            Assert.True(message.AsSpan().SequenceEqual(echoed), $"round {round}: {size} bytes came back altered");
        }
    }

    private static async Task SendAllAsync(Socket socket, byte[] message, CancellationToken ct)
    {
        int sent = 0;
        while (sent < message.Length)
        {
            sent += await socket.SendAsync(message.AsMemory(sent), SocketFlags.None, ct);
        }
    }

    private static async Task<byte[]> ReceiveExactlyAsync(Socket socket, int size, CancellationToken ct)
    {
        var received = new byte[size];
        int offset = 0;
        while (offset < size)
        {
            int read = await socket.ReceiveAsync(received.AsMemory(offset), SocketFlags.None, ct);
            Assert.True(read > 0, $"the connection ended after {offset} of {size} bytes");
            offset += read;
        }

        return received;
    }
}
