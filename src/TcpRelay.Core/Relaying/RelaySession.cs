using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace TcpRelay.Relaying;

/// <summary>
/// Copies bytes both ways between two connected sockets until both directions end. Each
/// direction is a receive loop filling a <see cref="Pipe"/> and a send loop draining it, so
/// receiving and sending overlap while the pipe bounds what is held. A FIN is passed on as a
/// shutdown of sending on the other side; a reset or failure aborts both sides with a reset.
/// The session owns both sockets and disposes them when it ends.
/// </summary>
public sealed class RelaySession : RelayTraffic
{
    // One PipeOptions per RelayOptions (a route has one), not one per connection.
    private static readonly ConditionalWeakTable<RelayOptions, PipeOptions> PipeOptionsFor = [];

    private readonly Socket _client;
    private readonly Socket _target;
    private readonly RelayOptions _options;
    private readonly PipeOptions _pipeOptions;
    private int _directionsDone;
    private int _clientClosed;
    private int _targetClosed;

    /// <summary>Creates a session over two connected sockets; nothing happens until <see cref="RunAsync"/>.</summary>
    public RelaySession(Socket client, Socket target, RelayOptions options, TimeProvider? timeProvider = null)
        : base(options, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(target);
        _client = client;
        _target = target;
        _options = options;
        _pipeOptions = PipeOptionsFor.GetValue(options, static o => CreatePipeOptions(o));
    }

    /// <summary>
    /// Relays until both directions have ended, then closes both sockets. Never throws for
    /// network failures: they become the returned reason. Cancelling aborts with
    /// <see cref="EndReason.Shutdown"/>.
    /// </summary>
    public async Task<EndReason> RunAsync(CancellationToken cancellationToken = default)
    {
        using CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(
            static state => ((RelaySession)state!).Abort(EndReason.Shutdown), this);
        StartIdleTimer();

        // Four loops and no task per direction around them: an idle session keeps fewer objects.
        var upstream = new Pipe(_pipeOptions);
        var downstream = new Pipe(_pipeOptions);
        Task receivingUpstream = ReceiveAsync(_client, upstream.Writer, fromClient: true);
        Task sendingUpstream = SendAsync(upstream.Reader, _target, fromClient: true);
        Task receivingDownstream = ReceiveAsync(_target, downstream.Writer, fromClient: false);
        Task sendingDownstream = SendAsync(downstream.Reader, _client, fromClient: false);
        await sendingUpstream;
        await receivingUpstream;
        await sendingDownstream;
        await receivingDownstream;

        StopTimers();
        Close(_client, ref _clientClosed, reset: false);
        Close(_target, ref _targetClosed, reset: false);
        return Reason;
    }

    /// <inheritdoc/>
    public override void Abort(EndReason reason)
    {
        RecordFailure(reason);
        Close(_client, ref _clientClosed, reset: true);
        Close(_target, ref _targetClosed, reset: true);
    }

    private async Task ReceiveAsync(Socket source, PipeWriter writer, bool fromClient)
    {
        var probe = new byte[1];
        try
        {
            while (true)
            {
                // Wait for data before renting a buffer, every time: a receive posted with a
                // buffer keeps it for as long as the peer stays quiet. The wait peeks one byte
                // into an array of our own. A zero-byte receive was used first, but under load
                // it also completed with no data there (a readiness left over from data already
                // read); the receive posted next then held a pooled buffer while idle. (The
                // Memory overload: the byte[] one wraps every wait in a Task.)
                int received = await source.ReceiveAsync(probe.AsMemory(), SocketFlags.Peek);
                if (received > 0)
                {
                    // No size hint: the rest of a partly filled segment is used before a new one
                    // is rented. Asking for a whole segment would rent one per receive, so small
                    // writes held for a stalled reader would cost a segment each, not their bytes.
                    received = await source.ReceiveAsync(writer.GetMemory(), SocketFlags.None);
                }

                if (received == 0)
                {
                    RecordFin(fromClient);
                    break;
                }

                writer.Advance(received);
                Count(fromClient, received);
                FlushResult flush = await writer.FlushAsync();
                if (flush.IsCompleted)
                {
                    break;
                }
            }

            await writer.CompleteAsync();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Abort(fromClient ? EndReason.ClientReset : EndReason.TargetReset);
            await writer.CompleteAsync(e);
        }
    }

    private async Task SendAsync(PipeReader reader, Socket sink, bool fromClient)
    {
        try
        {
            bool completed;
            do
            {
                // Few locals live across the awaits: this loop's state is kept for as long as the
                // connection is open, and an idle connection should cost little.
                ReadResult result = await reader.ReadAsync();
                ReadOnlySequence<byte> buffer = result.Buffer;
                completed = result.IsCompleted;
                SequencePosition next = buffer.Start;
                while (buffer.TryGet(ref next, out ReadOnlyMemory<byte> segment))
                {
                    await sink.SendAsync(segment, SocketFlags.None);
                }

                reader.AdvanceTo(buffer.End);
            }
            while (!completed);

            sink.Shutdown(SocketShutdown.Send);
            await reader.CompleteAsync();
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The sink is this direction's destination: when it fails, its peer reset us.
            Abort(fromClient ? EndReason.TargetReset : EndReason.ClientReset);
            await reader.CompleteAsync(e);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The receive side completed the pipe with its failure; it has aborted already.
            await reader.CompleteAsync(e);
        }

        // The sender finishes last in its direction: the receiver completing the pipe is what
        // ends it (or an abort, which ends everything).
        OnDirectionDone();
    }

    private static PipeOptions CreatePipeOptions(RelayOptions options)
    {
        int segmentSize = Math.Max(1024, Math.Min(options.SegmentSize, options.MaxBufferedBytes / 4));

        // The writer pauses once this much is unflushed; one more segment may be in a receive,
        // so the bound on what a direction holds is the configured maximum.
        long pause = Math.Max(segmentSize, options.MaxBufferedBytes - segmentSize);
        return new PipeOptions(
            pool: MemoryPool<byte>.Shared,
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: pause,
            resumeWriterThreshold: pause / 2,
            minimumSegmentSize: segmentSize,
            useSynchronizationContext: false);
    }

    private void OnDirectionDone()
    {
        if (Interlocked.Increment(ref _directionsDone) == 1 && _options.HalfCloseTimeout is { } bound)
        {
            StartHalfCloseTimer(bound);
        }
    }

    private static void Close(Socket socket, ref int closed, bool reset)
    {
        if (Interlocked.Exchange(ref closed, 1) != 0)
        {
            return;
        }

        if (reset)
        {
            SocketReset.Close(socket);
        }
        else
        {
            socket.Dispose();
        }
    }
}
