using TcpRelay.Listening;

namespace TcpRelay.Relaying.Splicing;

/// <summary>
/// Accepts on the splice loops themselves: the listening socket is registered with every loop's
/// epoll (EPOLLEXCLUSIVE, so one connection wakes one loop), and the loop that wakes accepts a
/// batch with accept4 and hands each descriptor to the <see cref="IAcceptHandler"/> on its own
/// thread. A connection is then accepted, dialed and relayed by one thread with no hand-over and
/// no managed socket object. Out of descriptors (or on an unexpected error) accepting pauses on
/// every loop until <see cref="Resume"/>.
/// </summary>
internal sealed class LoopAcceptor
{
    // Connections taken per wake-up: enough to drain a burst in one go, few enough that
    // a loop's own connections are not kept waiting behind a flood.
    private const int Batch = 64;
    private const int SockAddrBytes = 128;
    private const int AcceptFlags = Native.NonBlock | Native.CloseOnExec;

    private static readonly Lock RegistryGate = new();
    private static LoopAcceptor?[] _registry = new LoopAcceptor?[16];

    private readonly int _listenFd;
    private readonly IAcceptHandler _handler;
    private readonly SpliceLoop[] _loops;
    private readonly int _id;
    private int _armed;
    private int _stopped;

    private LoopAcceptor(int listenFd, IAcceptHandler handler, SpliceLoop[] loops, int id)
    {
        _listenFd = listenFd;
        _handler = handler;
        _loops = loops;
        _id = id;
    }

    /// <summary>
    /// Starts accepting on <paramref name="listenFd"/> on every splice loop; null when the engine
    /// is off. The caller keeps the socket open until <see cref="StopAsync"/> has completed.
    /// </summary>
    public static LoopAcceptor? Start(int listenFd, IAcceptHandler handler)
    {
        if (SpliceEngine.AllLoops() is not { } loops)
        {
            return null;
        }

        // Several loops wake for one connection now and then (EPOLLEXCLUSIVE wakes at least
        // one, not exactly one): the loser's accept4 must fail with EAGAIN, not block its loop.
        if (Native.SetNonBlocking(listenFd) != 0)
        {
            return null;
        }

        LoopAcceptor acceptor;
        lock (RegistryGate)
        {
            int id = Array.IndexOf(_registry, null);
            if (id < 0)
            {
                id = _registry.Length;
                Array.Resize(ref _registry, id * 2);
            }

            acceptor = new LoopAcceptor(listenFd, handler, loops, id);
            Volatile.Write(ref _registry[id], acceptor);
        }

        if (acceptor.Resume() != 0)
        {
            acceptor.Unregister();
            return null;
        }

        return acceptor;
    }

    /// <summary>On a loop thread: the listening socket with this token is readable.</summary>
    public static void OnReadable(SpliceLoop loop, int id)
    {
        LoopAcceptor? acceptor = Volatile.Read(ref _registry)[id];
        acceptor?.AcceptBatch(loop);
    }

    /// <summary>(Re)registers the listening socket with every loop: 0, or the errno the kernel refused with.</summary>
    public int Resume()
    {
        if (Volatile.Read(ref _stopped) != 0 || Interlocked.Exchange(ref _armed, 1) != 0)
        {
            return 0;
        }

        foreach (SpliceLoop loop in _loops)
        {
            if (Native.EpollAdd(loop.Epoll, _listenFd, Native.EpollIn | Native.EpollExclusive, SpliceLoop.AcceptorToken | (uint)_id) != 0)
            {
                int error = Native.Errno;
                Disarm();
                return error;
            }
        }

        return 0;
    }

    /// <summary>
    /// Stops accepting; completes once no loop can be inside accept4 on the socket any more, after
    /// which the caller may close it.
    /// </summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        Disarm();

        // A loop may have taken this socket's readiness from epoll before the removal; once each
        // loop has run a barrier posted after it, that batch is over.
        var barrier = new LoopBarrier(_loops.Length);
        foreach (SpliceLoop loop in _loops)
        {
            loop.Post(barrier);
        }

        await barrier.Done;
        Unregister();
    }

    private void AcceptBatch(SpliceLoop loop)
    {
        Span<byte> address = stackalloc byte[SockAddrBytes];
        for (int i = 0; i < Batch && Volatile.Read(ref _armed) != 0; i++)
        {
            if (!DescriptorReserve.TryTake())
            {
                Pause(exhausted: true, 0);
                return;
            }

            int fd = Accept(address, out int length);
            if (fd >= 0)
            {
                _handler.OnAccepted(loop, fd, address[..length]);
                continue;
            }

            int error = Native.Errno;
            switch (error)
            {
                case Native.EAgain:
                    return;
                case Native.EMFile or Native.ENFile or Native.ENoBufs or Native.ENoMem:
                    DescriptorReserve.Release();
                    Pause(exhausted: true, error);
                    return;
                case Native.EBadF or Native.EInval:
                    // Closed while this batch ran: StopAsync is under way.
                    return;
                case Native.EIntr or Native.EProto or Native.EConnAborted or Native.ENetDown
                    or Native.ENetUnreach or Native.EHostDown or Native.EHostUnreach
                    or Native.ENoProtoOpt or Native.EOpNotSupp or Native.ENoNet:
                    // Interrupted, or that connection is gone: accept the next.
                    continue;
                default:
                    Pause(exhausted: false, error);
                    return;
            }
        }
    }

    private unsafe int Accept(Span<byte> address, out int length)
    {
        int size = address.Length;
        int fd;
        fixed (byte* buffer = address)
        {
            fd = Native.Accept4(_listenFd, buffer, &size, AcceptFlags);
        }

        length = Math.Min(size, address.Length);
        return fd;
    }

    private void Pause(bool exhausted, int error)
    {
        if (Volatile.Read(ref _armed) == 0)
        {
            return;
        }

        Disarm();
        if (Volatile.Read(ref _stopped) == 0)
        {
            _handler.OnPaused(exhausted, error);
        }
    }

    private void Disarm()
    {
        if (Interlocked.Exchange(ref _armed, 0) == 0)
        {
            return;
        }

        foreach (SpliceLoop loop in _loops)
        {
            // Thread-safe in the kernel; a loop that has the event in hand already sees _armed 0.
            _ = Native.EpollRemove(loop.Epoll, _listenFd);
        }
    }

    private void Unregister()
    {
        lock (RegistryGate)
        {
            Volatile.Write(ref _registry[_id], null);
        }
    }

    /// <summary>Completes once every loop it was posted to has run it.</summary>
    private sealed class LoopBarrier(int loops) : ILoopWork
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _remaining = loops;

        public Task Done => _done.Task;

        public void OnPosted()
        {
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                _done.SetResult();
            }
        }
    }
}
