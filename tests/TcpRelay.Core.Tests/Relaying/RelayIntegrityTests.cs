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
}
