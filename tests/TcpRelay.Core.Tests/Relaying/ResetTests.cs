using System.Diagnostics;
using System.Net.Sockets;
using TcpRelay.Configuration;
using TcpRelay.TestSupport;

namespace TcpRelay.Relaying;

public sealed class ResetTests
{
    // Generous for a shared machine; the relay passes a reset on at once, not after a timer.
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(true, DataPath.Splice)]
    [InlineData(false, DataPath.Splice)]
    [InlineData(true, DataPath.Pipelines)]
    [InlineData(false, DataPath.Pipelines)]
    public async Task ResetFromOneSideResetsTheOther(bool targetResets, DataPath dataPath)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using var backend = new LoopbackBackend();
        await using RelayFixture relay = await RelayFixture.StartAsync(
            backend.EndPoint, new ConnectionOptions { DataPath = dataPath });
        using Socket client = await relay.ConnectAsync();
        using Socket target = await backend.AcceptAsync(TimeSpan.FromSeconds(10));

        // A byte each way first, so that the session is relaying when the reset comes.
        await client.SendAsync(new byte[] { 1 }, SocketFlags.None, ct);
        Assert.Equal(1, await target.ReceiveAsync(new byte[1], SocketFlags.None, ct));
        await target.SendAsync(new byte[] { 2 }, SocketFlags.None, ct);
        Assert.Equal(1, await client.ReceiveAsync(new byte[1], SocketFlags.None, ct));

        var watch = Stopwatch.StartNew();
        SocketData.Reset(targetResets ? target : client);
        SocketError seen = await SocketData.WaitClosedAsync(targetResets ? client : target);

        Assert.Equal(SocketError.ConnectionReset, seen);
        Assert.True(watch.Elapsed < Prompt, $"the other side saw the reset after {watch.Elapsed}");
        CapturedEntry ended = await relay.ConnectionEndedAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(targetResets ? EndReason.TargetReset : EndReason.ClientReset, ended["Reason"]);
    }
}
