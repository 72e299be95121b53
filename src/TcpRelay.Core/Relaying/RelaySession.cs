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
public sealed class RelaySession
{
    // One PipeOptions per RelayOptions (a route has one), not one per connection.
    private static readonly ConditionalWeakTable<RelayOptions, PipeOptions> PipeOptionsFor = [];

    private readonly Socket _client;
    private readonly Socket _target;
    private readonly RelayOptions _options;
    private readonly TimeProvider _time;
    private readonly PipeOptions _pipeOptions;
    private long _bytesFromClient;
    private long _bytesFromTarget;
    private long _lastActivity;
    private int _failure;
    private int _firstFin;
    private int _directionsDone;
    private int _clientClosed;
    private int _targetClosed;
    private ITimer? _idleTimer;
    private ITimer? _halfCloseTimer;

    /// <summary>Creates a session over two connected sockets; nothing happens until <see cref="RunAsync"/>.</summary>
    public RelaySession(Socket client, Socket target, RelayOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _target = target;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _pipeOptions = PipeOptionsFor.GetValue(options, static o => CreatePipeOptions(o));
    }

    /// <summary>Bytes received from the client and relayed towards the target so far.</summary>
    public long BytesFromClient => Volatile.Read(ref _bytesFromClient);

    /// <summary>Bytes received from the target and relayed towards the client so far.</summary>
    public long BytesFromTarget => Volatile.Read(ref _bytesFromTarget);

    /// <summary>The first reason the session ended, or <see cref="EndReason.None"/> while it runs.</summary>
    public EndReason Reason
    {
        get
        {
            var failure = (EndReason)Volatile.Read(ref _failure);
            return failure != EndReason.None ? failure : (EndReason)Volatile.Read(ref _firstFin);
        }
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
        if (_options.IdleTimeout is { } idle)
        {
            _lastActivity = _time.GetTimestamp();
            _idleTimer = _time.CreateTimer(
                static state => ((RelaySession)state!).CheckIdle(), this, idle, Timeout.InfiniteTimeSpan);
        }

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

        _idleTimer?.Dispose();
        _halfCloseTimer?.Dispose();
        Close(_client, ref _clientClosed, reset: false);
        Close(_target, ref _targetClosed, reset: false);
        return Reason;
    }

    /// <summary>Ends the session now: both sides are reset. The first recorded reason wins.</summary>
    public void Abort(EndReason reason)
    {
        Interlocked.CompareExchange(ref _failure, (int)reason, (int)EndReason.None);
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
                    Interlocked.CompareExchange(
                        ref _firstFin,
                        (int)(fromClient ? EndReason.ClientClosed : EndReason.TargetClosed),
                        (int)EndReason.None);
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

    private void Count(bool fromClient, int bytes)
    {
        if (fromClient)
        {
            Volatile.Write(ref _bytesFromClient, _bytesFromClient + bytes);
        }
        else
        {
            Volatile.Write(ref _bytesFromTarget, _bytesFromTarget + bytes);
        }

        if (_idleTimer is not null)
        {
            Volatile.Write(ref _lastActivity, _time.GetTimestamp());
        }
    }

    private void OnDirectionDone()
    {
        if (Interlocked.Increment(ref _directionsDone) == 1 && _options.HalfCloseTimeout is { } bound)
        {
            _halfCloseTimer = _time.CreateTimer(
                static state => ((RelaySession)state!).Abort(EndReason.HalfCloseTimeout),
                this,
                bound,
                Timeout.InfiniteTimeSpan);
        }
    }

    private void CheckIdle()
    {
        TimeSpan limit = _options.IdleTimeout!.Value;
        TimeSpan idle = _time.GetElapsedTime(Volatile.Read(ref _lastActivity));
        if (idle >= limit)
        {
            Abort(EndReason.IdleTimeout);
        }
        else
        {
            _idleTimer?.Change(limit - idle, Timeout.InfiniteTimeSpan);
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
