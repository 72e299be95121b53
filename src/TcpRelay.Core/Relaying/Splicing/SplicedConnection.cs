using System.Net.Sockets;
using System.Runtime.InteropServices;
using TcpRelay.Targets;

namespace TcpRelay.Relaying.Splicing;

/// <summary>What the owner of a <see cref="SplicedConnection"/> hears, on the connection's loop thread.</summary>
internal interface ISpliceObserver
{
    /// <summary>The target accepted the connection (not called for a target connected elsewhere).</summary>
    void OnConnected(SplicedConnection connection);

    /// <summary>The target could not be reached; <see cref="OnEnded"/> follows.</summary>
    void OnDialFailed(SplicedConnection connection, TargetDialException failure);

    /// <summary>The connection is over and both sockets are closed.</summary>
    void OnEnded(SplicedConnection connection, EndReason reason);
}

/// <summary>
/// One relayed connection on a <see cref="SpliceLoop"/>: optionally the connect to its target,
/// then bytes moved each way with splice(2) from one socket into a kernel pipe and from the pipe
/// into the other socket, so they are never copied into this process. A pipe is taken from the
/// loop's pool only while a direction has bytes in flight; an idle connection holds none. A FIN
/// is passed on as a shutdown of sending once the pipe is empty; a reset, a failed write or an
/// <see cref="Abort"/> closes both sides with a reset. All state is touched on the loop thread
/// only, except the byte counters (read anywhere) and <see cref="Abort"/> (callable anywhere).
/// <para>
/// Each socket is registered with the loop's epoll once, edge-triggered, for everything it can
/// report, and never modified: epoll says when something changed, and the connection remembers
/// what is still true (a source that may hold more bytes, a sink that is full) until a call
/// finds otherwise. A source is taken as empty only when a read says so: a <c>recv</c> that
/// comes back short, or a read that fails with EAGAIN while the pipe has room. A short splice
/// proves nothing (the pipe may be what was full), so a spliced source is read again until one
/// of those. A short <c>recv</c> from a source whose FIN epoll has reported has read the last
/// bytes: the FIN is taken as read, and those bytes leave with it in one segment.
/// </para>
/// </summary>
internal sealed class SplicedConnection : RelayTraffic, ILoopWork
{
    // A read at least this large marks a direction as bulk: its next reads are spliced. Below it,
    // one recv into the loop's buffer and one send on cost fewer cycles than two splices through
    // a pipe (requests, responses, interactive traffic). It is also the most one copy receives:
    // what the sink does not take goes into a pipe, and a pipe made while the user is over the
    // kernel's pipe-user-pages-soft limit holds only two pages.
    private const int BulkRead = SpliceLoop.CopyBufferBytes;

    private readonly SpliceLoop _loop;
    private readonly Socket? _client;
    private readonly bool _clientNoDelay;
    private readonly Socket? _targetSocket;
    private readonly DirectTarget? _dial;
    private readonly byte[]? _preamble;
    private readonly RelayOptions _options;
    private readonly ISpliceObserver _observer;
    private readonly int _limit;
    private Direction _up;
    private Direction _down;
    private Side _clientSide;
    private Side _targetSide;
    private Phase _phase;
    private int _slot;
    private long _connectDeadline;
    private int _abortRequested;

    /// <summary>A connection whose target the loop dials itself.</summary>
    public SplicedConnection(
        SpliceLoop loop, Socket client, DirectTarget target, byte[]? preamble,
        RelayOptions options, TimeProvider time, ISpliceObserver observer)
        : this(loop, client, null, options, time, observer)
    {
        _dial = target;
        _preamble = preamble;
    }

    /// <summary>
    /// A connection the loop accepted itself, as a bare non-blocking descriptor, whose target it
    /// dials. <paramref name="clientNoDelay"/>: the TCP_NODELAY the client socket inherited from
    /// the listening socket.
    /// </summary>
    public SplicedConnection(
        SpliceLoop loop, int clientFd, bool clientNoDelay, DirectTarget target,
        RelayOptions options, TimeProvider time, ISpliceObserver observer)
        : this(loop, client: null, null, options, time, observer)
    {
        _clientSide.Fd = clientFd;
        _clientNoDelay = clientNoDelay;
        _dial = target;
    }

    /// <summary>A connection between two sockets connected already.</summary>
    public SplicedConnection(
        SpliceLoop loop, Socket? client, Socket? target, RelayOptions options, TimeProvider time, ISpliceObserver observer)
        : base(options, time)
    {
        _loop = loop;
        loop.Assign();
        _client = client;
        _targetSocket = target;
        _options = options;
        _observer = observer;
        // What one direction holds at most: maxBufferedBytes, and no more than its pipe (see
        // Direction.Room). Pipes can take more than their size when the kernel hands over large
        // pages, so the bound is counted here rather than left to the pipe.
        _limit = Math.Clamp(options.MaxBufferedBytes, 1, PipeSizing.LargeBytes);
        _up = Direction.Empty;
        _down = Direction.Empty;
        _targetSide.Fd = -1;
    }

    private enum Phase : byte
    {
        New,
        Connecting,
        Relaying,
        Closed,
    }

    /// <summary>Whatever the owner keeps with the connection.</summary>
    public object? State { get; set; }

    /// <summary>Hands the connection to its loop (at once, when called on the loop's own thread).</summary>
    public void Start() => _loop.Schedule(this);

    /// <inheritdoc/>
    public override void Abort(EndReason reason)
    {
        RecordFailure(reason);
        Volatile.Write(ref _abortRequested, 1);
        _loop.Post(this);
    }

    /// <summary>On the loop thread: a start or an abort was posted.</summary>
    public void OnPosted()
    {
        if (_phase == Phase.New)
        {
            Begin();
        }

        if (_phase != Phase.Closed && Volatile.Read(ref _abortRequested) != 0)
        {
            Close(reset: true);
        }
    }

    /// <summary>On the loop thread: epoll reported one of the two sockets.</summary>
    internal void OnEvent(bool target, uint events)
    {
        if (_phase == Phase.Closed)
        {
            return;
        }

        if (target && _phase == Phase.Connecting)
        {
            OnConnectEvent(events);
            return;
        }

        if ((events & Native.EpollErr) != 0)
        {
            Fail(target ? EndReason.TargetReset : EndReason.ClientReset);
            return;
        }

        ref Side side = ref target ? ref _targetSide : ref _clientSide;
        side.Note(events);
        if (_phase != Phase.Relaying)
        {
            // The client while its target is connecting: what it said is read once relaying starts.
            return;
        }

        ref Direction from = ref target ? ref _down : ref _up;
        if ((events & Native.EpollIn) != 0)
        {
            // New bytes arrived: a splice that failed with EAGAIN while the pipe held bytes may
            // have met a pipe with no free slot, or a moment that has passed; one more try.
            from.PipeFull = false;
        }

        // Writable: the direction whose sink this socket is (client to target when it is the target).
        ref Direction towards = ref target ? ref _up : ref _down;
        if ((events & Native.EpollOut) != 0 && towards.SinkBlocked)
        {
            towards.SinkBlocked = false;
            Pump(ref towards, fromClient: target);
        }

        if (side.Readable && _phase == Phase.Relaying)
        {
            Pump(ref from, fromClient: !target);
        }
    }

    /// <summary>On the loop thread, while connecting: fails the dial once its time is up.</summary>
    internal void CheckConnectDeadline(long now)
    {
        if (_phase == Phase.Connecting && now >= _connectDeadline)
        {
            DialFailed(
                DialFailure.TimedOut,
                $"no answer from {_dial!.Remote} within {_dial.Options.ConnectTimeout.TotalSeconds:0.###} s");
        }
    }

    private void Begin()
    {
        _loop.SettingUp = true;
        _slot = _loop.Attach(this);
        _phase = Phase.Relaying;
        if (_client is null)
        {
            // Accepted non-blocking by the loop.
            ApplyOptions(_clientSide.Fd, _dial!.Options, _clientNoDelay);
        }
        else
        {
            _clientSide.Fd = (int)_client.SafeHandle.DangerousGetHandle();
            if (Native.SetNonBlocking(_clientSide.Fd) != 0)
            {
                Fail(EndReason.ClientReset);
                return;
            }
        }

        if (_targetSocket is not null)
        {
            _targetSide.Fd = (int)_targetSocket.SafeHandle.DangerousGetHandle();
            if (Native.SetNonBlocking(_targetSide.Fd) != 0)
            {
                Fail(EndReason.TargetReset);
                return;
            }

            StartRelaying();
            return;
        }

        Dial(_dial!);
    }

    private unsafe void Dial(DirectTarget dial)
    {
        if (SocketShortage.Refusal("for", dial.Remote) is { } refused)
        {
            DialFailed(refused);
            return;
        }

        int fd = Native.Socket(dial.Family, Native.SockStream | Native.NonBlock | Native.CloseOnExec, 0);
        if (fd < 0)
        {
            int error = Native.Errno;
            DialFailed(SocketShortage.Failed(
                error is Native.EMFile or Native.ENFile, "for", dial.Remote, Marshal.GetPInvokeErrorMessage(error)));
            return;
        }

        _targetSide.Fd = fd;
        ApplyOptions(fd, dial.Options, inheritedNoDelay: false);
        if (dial.LocalAddress is { } local)
        {
            _ = Native.SetInt(fd, Native.SolSocket, Native.SoReuseAddr, 1);
            fixed (byte* address = local)
            {
                if (Native.Bind(fd, address, local.Length) != 0)
                {
                    DialFailed(
                        DialFailure.Error,
                        $"cannot bind the outgoing socket to {dial.LocalBind}: {Marshal.GetPInvokeErrorMessage(Native.Errno)}");
                    return;
                }
            }
        }

        int result;
        fixed (byte* address = dial.Address)
        {
            result = Native.Connect(fd, address, dial.Address.Length);
        }

        if (result != 0 && Native.Errno is var error2 && error2 != Native.EInProgress)
        {
            DialFailed(Classify(error2), $"{dial.Remote}: {Marshal.GetPInvokeErrorMessage(error2)}");
            return;
        }

        // Registered even while connecting: a client that resets meanwhile is seen at once, and
        // one that speaks is remembered. The target only once connect has begun: a socket that is
        // not connecting yet reports a hang-up.
        if (!Register(ref _clientSide, target: false) || !Register(ref _targetSide, target: true))
        {
            return;
        }

        if (result == 0)
        {
            OnTargetConnected();
            return;
        }

        _phase = Phase.Connecting;
        _loop.Connecting++;
        _connectDeadline = Environment.TickCount64 + (long)dial.Options.ConnectTimeout.TotalMilliseconds;
    }

    private void OnConnectEvent(uint events)
    {
        if ((events & (Native.EpollErr | Native.EpollHup)) != 0)
        {
            int error = Native.PendingError(_targetSide.Fd);
            DialFailed(Classify(error), $"{_dial!.Remote}: {Marshal.GetPInvokeErrorMessage(error)}");
            return;
        }

        _loop.Connecting--;
        _targetSide.Note(events);
        OnTargetConnected();
    }

    private unsafe void OnTargetConnected()
    {
        _phase = Phase.Relaying;
        if (_preamble is { Length: > 0 } preamble)
        {
            nint sent;
            fixed (byte* bytes = preamble)
            {
                sent = Native.Send(_targetSide.Fd, bytes, (nuint)preamble.Length, Native.MsgNoSignal);
            }

            // A new connection's send buffer takes a header of at most 108 bytes whole.
            if (sent != preamble.Length)
            {
                Fail(EndReason.TargetReset);
                return;
            }
        }

        _observer.OnConnected(this);
        StartRelaying();
    }

    private void StartRelaying()
    {
        StartIdleTimer();
        if ((!_clientSide.Registered && !Register(ref _clientSide, target: false))
            || (!_targetSide.Registered && !Register(ref _targetSide, target: true)))
        {
            return;
        }

        // Most clients speak first, and by the time the target has answered the connect their
        // first bytes are usually here: the client's registration reported them, and they go
        // now rather than one wait later. A socket that had nothing yet reports it when it does.
        if (_clientSide.Readable)
        {
            Pump(ref _up, fromClient: true);
        }

        if (_targetSide.Readable && _phase == Phase.Relaying)
        {
            Pump(ref _down, fromClient: false);
        }
    }

    /// <summary>Adds the socket to the loop's epoll, once, for every event it can report.</summary>
    private bool Register(ref Side side, bool target)
    {
        const uint Events = Native.EpollIn | Native.EpollOut | Native.EpollRdHup | Native.EpollEdgeTriggered;
        ulong token = ((ulong)(uint)_slot << 1) | (target ? 1UL : 0UL);
        if (Native.EpollAdd(_loop.Epoll, side.Fd, Events, token) != 0)
        {
            Fail(target ? EndReason.TargetReset : EndReason.ClientReset);
            return false;
        }

        side.Registered = true;
        return true;
    }

    /// <summary>
    /// Moves what it can in one direction: drains its pipe into the sink, passes a FIN on once
    /// the pipe is empty, and (while the source may hold bytes) reads more, as long as there is
    /// room and the sink keeps taking it. A bulk direction splices into its pipe; otherwise, while
    /// the pipe is empty, bytes are copied through the loop's buffer straight to the sink, and
    /// only what the sink does not take is kept, in the pipe.
    /// </summary>
    private void Pump(ref Direction d, bool fromClient)
    {
        ref Side from = ref fromClient ? ref _clientSide : ref _targetSide;
        int source = from.Fd;
        int sink = fromClient ? _targetSide.Fd : _clientSide.Fd;
        EndReason sinkReset = fromClient ? EndReason.TargetReset : EndReason.ClientReset;
        EndReason sourceReset = fromClient ? EndReason.ClientReset : EndReason.TargetReset;
        while (true)
        {
            if (d.InPipe > 0 && !d.SinkBlocked)
            {
                while (d.InPipe > 0)
                {
                    nint sent = Native.Splice(d.Pipe.Read, 0, sink, 0, (nuint)d.InPipe, Native.SpliceMove | Native.SpliceNonBlock);
                    if (sent > 0)
                    {
                        d.InPipe -= (int)sent;
                        d.PipeFull = false;
                        continue;
                    }

                    int error = Native.Errno;
                    if (sent < 0 && error == Native.EIntr)
                    {
                        continue;
                    }

                    if (sent < 0 && error == Native.EAgain)
                    {
                        d.SinkBlocked = true;
                        break;
                    }

                    Fail(sinkReset);
                    return;
                }
            }

            if (d.InPipe == 0)
            {
                if (d.Pipe.IsOpen)
                {
                    _loop.ReturnPipe(d.Pipe);
                    d.Pipe = KernelPipe.None;
                }

                if (d.SourceEnded)
                {
                    if (!d.Shut)
                    {
                        ShutSink(ref d, sink, sinkReset);
                    }

                    return;
                }
            }

            int room = d.Room(_limit);
            if (!from.Readable || d.SourceEnded || d.PipeFull || room <= 0)
            {
                return;
            }

            nint received;
            bool copied = d.InPipe == 0 && !d.Bulk;
            int asked = room;
            if (copied)
            {
                asked = Math.Min(room, BulkRead);
                received = Copy(ref d, source, sink, asked, from.PeerShut, sinkReset, out EndReason failure);
                if (failure != EndReason.None)
                {
                    Fail(failure);
                    return;
                }
            }
            else
            {
                if (!d.Pipe.IsOpen)
                {
                    if (!TryTakePipe(ref d))
                    {
                        Fail(EndReason.NoResources);
                        return;
                    }

                    room = d.Room(_limit);
                }

                received = Native.Splice(source, 0, d.Pipe.Write, 0, (nuint)room, Native.SpliceMove | Native.SpliceNonBlock);
                if (received > 0)
                {
                    d.InPipe += (int)received;
                }
            }

            if (received > 0)
            {
                Count(fromClient, received);
                d.Bulk = received >= BulkRead;

                // A short recv emptied the socket, and epoll reports whatever comes next. When
                // epoll had already reported the FIN, nothing but the FIN was left, so it is
                // taken as read. A short splice may have filled the pipe instead, so the next
                // read finds out.
                if (copied && received < asked)
                {
                    from.Readable = false;
                    if (from.PeerShut)
                    {
                        d.SourceEnded = true;
                        RecordFin(fromClient);
                    }
                }

                continue;
            }

            if (received == 0)
            {
                d.SourceEnded = true;
                from.Readable = false;
                RecordFin(fromClient);
                continue;
            }

            int readError = Native.Errno;
            if (readError == Native.EIntr)
            {
                continue;
            }

            if (readError != Native.EAgain)
            {
                Fail(sourceReset);
                return;
            }

            // Nothing to read, or no room left in the pipe: with bytes waiting for the sink,
            // it is taken as the latter and reading resumes once the sink has taken them.
            d.PipeFull = d.InPipe > 0;
            from.Readable = d.PipeFull;
            return;
        }
    }

    /// <summary>
    /// Receives up to <paramref name="room"/> bytes into the loop's buffer and sends them on at
    /// once; what the sink does not take goes into the direction's (empty) pipe, which takes
    /// <see cref="BulkRead"/> bytes whole even when it is a small one, and waits there for the
    /// sink like spliced bytes. Returns what recv returned; <paramref name="failure"/> says why
    /// the connection must end, if it must. With <paramref name="peerShut"/> (the source's FIN
    /// has arrived) bytes that empty the socket are its last: they are sent with MSG_MORE, so
    /// that the shutdown that follows at once leaves in the same segment.
    /// </summary>
    private unsafe nint Copy(
        ref Direction d, int source, int sink, int room, bool peerShut, EndReason sinkReset, out EndReason failure)
    {
        failure = EndReason.None;
        byte* buffer = _loop.CopyBuffer;
        nint received = Native.Recv(source, buffer, (nuint)room, 0);
        if (received <= 0)
        {
            return received;
        }

        int flags = Native.MsgNoSignal | (peerShut && received < room ? Native.MsgMore : 0);
        nint sent = Native.Send(sink, buffer, (nuint)received, flags);
        if (sent == received)
        {
            return received;
        }

        if (sent < 0)
        {
            if (Native.Errno is not (Native.EAgain or Native.EIntr))
            {
                failure = sinkReset;
                return received;
            }

            sent = 0;
        }

        if (!TryTakePipe(ref d))
        {
            failure = EndReason.NoResources;
            return received;
        }

        // Counted before the write: a pipe left holding bytes is closed, never pooled.
        nint rest = received - sent;
        d.InPipe = (int)rest;
        d.SinkBlocked = true;
        if (Native.Write(d.Pipe.Write, buffer + sent, (nuint)rest) != rest)
        {
            failure = EndReason.NoResources;
        }

        return received;
    }

    /// <summary>Takes a pipe for the direction; false when none can be made (out of descriptors).</summary>
    private bool TryTakePipe(ref Direction d)
    {
        if (_loop.TryRentPipe(out d.Pipe))
        {
            return true;
        }

        Listening.DescriptorReserve.Release();
        return false;
    }

    private void ShutSink(ref Direction d, int sink, EndReason sinkReset)
    {
        d.Shut = true;
        if (_up.Shut && _down.Shut)
        {
            // The last FIN: both sources have been read to their end, so the close sends it
            // just as a shutdown would, one call fewer.
            Close(reset: false);
            return;
        }

        if (Native.Shutdown(sink, Native.ShutWrite) != 0)
        {
            Fail(sinkReset);
            return;
        }

        if (_options.HalfCloseTimeout is { } bound)
        {
            StartHalfCloseTimer(bound);
        }
    }

    private void DialFailed(DialFailure failure, string message) => DialFailed(new TargetDialException(failure, message));

    private void DialFailed(TargetDialException failure)
    {
        RecordFailure(DialEnd.Of(failure.Failure));
        _observer.OnDialFailed(this, failure);
        Close(reset: true);
    }

    private void Fail(EndReason reason)
    {
        RecordFailure(reason);
        Close(reset: true);
    }

    private void Close(bool reset)
    {
        if (_phase == Phase.Closed)
        {
            return;
        }

        if (_phase == Phase.Connecting)
        {
            _loop.Connecting--;
        }

        _phase = Phase.Closed;
        StopTimers();
        if (reset)
        {
            Native.SetResetOnClose(_clientSide.Fd);
            if (_targetSide.Fd >= 0)
            {
                Native.SetResetOnClose(_targetSide.Fd);
            }
        }

        // Closing a descriptor takes it out of epoll as well.
        if (_client is not null)
        {
            _client.Dispose();
        }
        else
        {
            _ = Native.Close(_clientSide.Fd);
        }

        if (_targetSocket is not null)
        {
            _targetSocket.Dispose();
        }
        else if (_targetSide.Fd >= 0)
        {
            _ = Native.Close(_targetSide.Fd);
        }

        Release(ref _up);
        Release(ref _down);
        _loop.Detach(_slot);
        _observer.OnEnded(this, Reason);
    }

    private void Release(ref Direction d)
    {
        if (!d.Pipe.IsOpen)
        {
            return;
        }

        if (d.InPipe == 0)
        {
            _loop.ReturnPipe(d.Pipe);
        }
        else
        {
            SpliceLoop.ClosePipe(d.Pipe);
        }

        d.Pipe = KernelPipe.None;
    }

    /// <summary>
    /// TCP_NODELAY and keepalive as the route says, for a descriptor, as
    /// <see cref="SocketTuning.Apply"/> does for a socket: TCP_NODELAY only where it differs from
    /// <paramref name="inheritedNoDelay"/>.
    /// </summary>
    private static void ApplyOptions(int fd, Configuration.ConnectionOptions options, bool inheritedNoDelay)
    {
        if (options.NoDelay != inheritedNoDelay)
        {
            _ = Native.SetInt(fd, Native.IpProtoTcp, Native.TcpNoDelay, options.NoDelay ? 1 : 0);
        }

        if (options.KeepAlive is { } keepAlive)
        {
            _ = Native.SetInt(fd, Native.SolSocket, Native.SoKeepAlive, 1);
            _ = Native.SetInt(fd, Native.IpProtoTcp, Native.TcpKeepIdle, Seconds(keepAlive.Time));
            _ = Native.SetInt(fd, Native.IpProtoTcp, Native.TcpKeepInterval, Seconds(keepAlive.Interval));
            _ = Native.SetInt(fd, Native.IpProtoTcp, Native.TcpKeepCount, keepAlive.Count);
        }
    }

    /// <summary>The dial failure an errno from connect stands for.</summary>
    private static DialFailure Classify(int error) => error switch
    {
        111 => DialFailure.Refused, // ECONNREFUSED
        110 => DialFailure.TimedOut, // ETIMEDOUT
        Native.ENetDown or Native.ENetUnreach or Native.EHostDown or Native.EHostUnreach => DialFailure.Unreachable,
        1 or 13 => DialFailure.PermissionDenied, // EPERM, EACCES
        _ => DialFailure.Error,
    };

    private static int Seconds(TimeSpan span) => Math.Max(1, (int)Math.Ceiling(span.TotalSeconds));

    /// <summary>One direction: its pipe (descriptors -1 when it holds none) and how far it got.</summary>
    private struct Direction
    {
        public KernelPipe Pipe;
        public int InPipe;
        public bool PipeFull;
        public bool SinkBlocked;
        public bool SourceEnded;
        public bool Shut;

        /// <summary>The last read was large: read by splicing rather than copying.</summary>
        public bool Bulk;

        public static Direction Empty => new() { Pipe = KernelPipe.None };

        /// <summary>What the direction may still take in: up to <paramref name="limit"/>, and no more than its pipe holds.</summary>
        public readonly int Room(int limit) => (Pipe.IsOpen ? Math.Min(limit, Pipe.Capacity) : limit) - InPipe;
    }

    /// <summary>One socket, and what its last events said that no call has disproved yet.</summary>
    private struct Side
    {
        public int Fd;
        public bool Registered;

        /// <summary>It may hold bytes or a FIN not read yet.</summary>
        public bool Readable;

        /// <summary>Epoll reported the peer's FIN (or a hang-up): reading goes on until it is read.</summary>
        public bool PeerShut;

        public void Note(uint events)
        {
            if ((events & (Native.EpollIn | Native.EpollRdHup | Native.EpollHup)) != 0)
            {
                Readable = true;
                PeerShut |= (events & (Native.EpollRdHup | Native.EpollHup)) != 0;
            }
        }
    }
}
