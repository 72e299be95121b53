using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TcpRelay.Configuration;
using TcpRelay.Relaying.Splicing;
using TcpRelay.TestSupport;

namespace TcpRelay.Relaying;

/// <summary>
/// A target that stops reading must make the relay stop reading from the client once it holds
/// its configured maximum. What the relay holds in its own memory is measured as the bytes it
/// received from the client (its session counter) minus what is in the kernel towards the
/// target: the relay socket's send queue and the target's receive queue (/proc/net/tcp and
/// FIONREAD). The test sockets get small kernel buffers so the relay's own buffering dominates.
/// On the splice path what the relay holds is in its kernel pipe: 256 KiB per direction at most,
/// 64 KiB where the process may not enlarge its pipes.
/// </summary>
public sealed class BackpressureTests
{
    private const int SmallKernelBuffer = 16 * 1024;

    [Theory]
    [InlineData(1024 * 1024, DataPath.Pipelines)]
    [InlineData(64 * 1024, DataPath.Pipelines)]
    [InlineData(1024 * 1024, DataPath.Splice)]
    [InlineData(16 * 1024, DataPath.Splice)]
    public async Task StalledTargetBoundsWhatRelayHolds(int maxBuffered, DataPath dataPath)
    {
        await using var backend = new LoopbackBackend(receiveBufferSize: SmallKernelBuffer);
        await using RelayFixture relay = await RelayFixture.StartAsync(
            backend.EndPoint, new ConnectionOptions { MaxBufferedBytes = maxBuffered, DataPath = dataPath });
        using Socket client = await relay.ConnectAsync(sendBufferSize: SmallKernelBuffer);
        using Socket target = await backend.AcceptAsync(TimeSpan.FromSeconds(10));

        long accepted = await PushUntilStalledAsync(client);

        long fromClient = relay.Server.Connections.Single().BytesFromClient;
        var relayToTarget = (IPEndPoint)target.RemoteEndPoint!;
        (long relaySendQueue, _) = KernelQueues.Of(relayToTarget, backend.EndPoint);
        long atTarget = target.Available;
        long held = fromClient - relaySendQueue - atTarget;
        (long clientSendQueue, _) = KernelQueues.Of((IPEndPoint)client.LocalEndPoint!, relay.EndPoint);
        (_, long relayReceiveQueue) = KernelQueues.Of(relay.EndPoint, (IPEndPoint)client.LocalEndPoint!);
        long kernel = clientSendQueue + relayReceiveQueue + relaySendQueue;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"max {maxBuffered}: client handed over {accepted}, relay read {fromClient}, holds {held}; " +
            $"kernel: client send {clientSendQueue}, relay receive {relayReceiveQueue}, " +
            $"relay send {relaySendQueue}, target receive {atTarget}");

        // The relay's own buffer: at most the configured maximum (or a pipe), and it is used.
        int bound = dataPath == DataPath.Splice ? Math.Min(maxBuffered, PipeSizing.LargeBytes) : maxBuffered;
        int least = dataPath == DataPath.Splice ? Math.Min(maxBuffered, PipeSizing.DefaultBytes) : maxBuffered;
        Assert.InRange(held, least / 4, bound);

        // End to end: what the client could hand over and the target did not get is the relay's
        // bound plus the kernel buffers in between.
        Assert.True(
            accepted - atTarget <= maxBuffered + kernel, $"{accepted - atTarget} > {maxBuffered} + {kernel}");
    }

    /// <summary>Writes without blocking until no byte has been taken for half a second.</summary>
    private static async Task<long> PushUntilStalledAsync(Socket client)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        client.Blocking = false;
        var chunk = new byte[64 * 1024];
        long total = 0;
        var overall = Stopwatch.StartNew();
        var sinceProgress = Stopwatch.StartNew();
        while (sinceProgress.Elapsed < TimeSpan.FromMilliseconds(500))
        {
            Assert.True(
                overall.Elapsed < TimeSpan.FromSeconds(30),
                $"the relay kept reading from the client ({total} bytes) although the target reads nothing");
            try
            {
                total += client.Send(chunk);
                sinceProgress.Restart();
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
            {
                await Task.Delay(10, ct);
            }
        }

        return total;
    }
}
