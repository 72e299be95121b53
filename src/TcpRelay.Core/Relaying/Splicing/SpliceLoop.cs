using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace TcpRelay.Relaying.Splicing;

/// <summary>
/// One event loop: a dedicated thread waiting in epoll for the sockets of the connections it
/// owns, and doing all their work itself (accept, connect, splice, shutdown, close) so that a
/// connection never changes threads and nothing about it needs a lock. Other threads hand it
/// connections to start and requests to abort through <see cref="Post"/>, which wakes it with
/// an eventfd; work the loop gives itself waits in a plain queue until the current batch of
/// events is done.
/// A connection's sockets are registered edge-triggered (each reported once per change, and the
/// connection remembers what is still to be done); the listening sockets and the eventfd are
/// level-triggered.
/// <para>
/// While it is setting up connections (one started since it last looked for events, or a
/// connect pending), a loop yields its processor a few times, looking again after each yield,
/// before it sleeps. What the relay's peers do next (the target accepting, the client
/// connecting again) is usually the loop's next event, and they are often runnable on the same
/// processor: taken this way, that event costs no sleep and no wake-up. On a machine whose cores
/// the relay shares with its peers this left the cores idle 3% of the time instead of 11%, and
/// relayed 13 to 20% more new connections per second. Relaying established connections does not
/// yield: a yield lets a busy peer keep the processor for its whole time slice, which showed as
/// a longer tail of request latency. An idle loop sleeps at once.
/// </para>
/// </summary>
internal sealed unsafe class SpliceLoop
{
    private const int MaxEvents = 256;

    /// <summary>Size of <see cref="CopyBuffer"/>: the most a connection copies in one read.</summary>
    public const int CopyBufferBytes = 8 * 1024;
    private const ulong WakeToken = ulong.MaxValue;

    /// <summary>Marks an epoll token as a <see cref="LoopAcceptor"/>'s rather than a connection's.</summary>
    public const ulong AcceptorToken = 1UL << 62;

    // Connect deadlines are checked this often while connects are pending: the timeout is
    // honoured within this much, and an idle loop sleeps without a timer.
    private const int DeadlineCheckMilliseconds = 100;

    // How often a loop setting up connections yields and looks again before it sleeps: 1 to 8
    // did about as well as each other on 2 shared cores, 0 (sleeping at once) clearly worse.
    private const int DefaultYieldsBeforeSleep = 3;

    private static readonly int YieldsBeforeSleep =
        int.TryParse(Environment.GetEnvironmentVariable("TCPRELAY_SPLICE_YIELDS"), out int yields) && yields >= 0
            ? Math.Min(yields, 64)
            : DefaultYieldsBeforeSleep;

    private readonly ConcurrentQueue<ILoopWork> _posted = new();
    private readonly Queue<ILoopWork> _deferred = new();
    private readonly Stack<int> _freeSlots = new();
    private readonly Stack<KernelPipe> _pipes = new();
    private readonly Thread _thread;
    private readonly int _wake;
    private readonly int _maxPooledPipes;
    private SplicedConnection?[] _slots = new SplicedConnection?[256];
    private int _slotsUsed;
    private int _assigned;
    private int _wakePending;
    private long _nextDeadlineCheck;

    public SpliceLoop(int index, int maxPooledPipes)
    {
        _maxPooledPipes = maxPooledPipes;
        Epoll = Native.EpollCreate(Native.CloseOnExec);
        if (Epoll < 0)
        {
            throw new InvalidOperationException($"epoll_create1 failed: {Marshal.GetPInvokeErrorMessage(Native.Errno)}");
        }

        _wake = Native.EventFd(0, Native.NonBlock | Native.CloseOnExec);
        if (_wake < 0 || Native.EpollAdd(Epoll, _wake, Native.EpollIn, WakeToken) != 0)
        {
            int error = Native.Errno;
            _ = Native.Close(Epoll);
            throw new InvalidOperationException($"eventfd failed: {Marshal.GetPInvokeErrorMessage(error)}");
        }

        CopyBuffer = (byte*)NativeMemory.Alloc(CopyBufferBytes);
        _thread = new Thread(Run) { IsBackground = true, Name = $"tcprelay splice {index}" };
        _thread.Start();
    }

    public int Epoll { get; }

    /// <summary>
    /// Scratch memory for small messages, shared by every connection of the loop: bytes are
    /// received into it and sent on at once, so it never holds anything between two events.
    /// </summary>
    public byte* CopyBuffer { get; }

    /// <summary>
    /// Connections made for this loop and not yet ended, counted from the moment they are made,
    /// before the loop has seen them: what <see cref="SpliceEngine.Balance"/> compares.
    /// </summary>
    public int Assigned => Volatile.Read(ref _assigned);

    /// <summary>Connections waiting for their target's connect to complete (read on the loop thread).</summary>
    public int Connecting { get; set; }

    /// <summary>A connection started on this loop since it last looked for events (loop thread only).</summary>
    public bool SettingUp { get; set; }

    /// <summary>
    /// Runs <paramref name="work"/> on this loop: from the loop's own thread once the current
    /// batch of events is done, without a wake-up; from any other thread through the posted queue.
    /// </summary>
    public void Schedule(ILoopWork work)
    {
        if (Thread.CurrentThread == _thread)
        {
            _deferred.Enqueue(work);
        }
        else
        {
            Post(work);
        }
    }

    /// <summary>Queues <paramref name="work"/> for this loop and wakes it; callable from any thread.</summary>
    public void Post(ILoopWork work)
    {
        _posted.Enqueue(work);
        if (Interlocked.Exchange(ref _wakePending, 1) == 0)
        {
            ulong one = 1;
            _ = Native.Write(_wake, &one, sizeof(ulong));
        }
    }

    /// <summary>Counts a connection made for this loop; <see cref="Detach"/> ends the count.</summary>
    public void Assign() => Interlocked.Increment(ref _assigned);

    /// <summary>Gives the connection a slot; epoll reports its sockets by slot number.</summary>
    public int Attach(SplicedConnection connection)
    {
        int slot;
        if (!_freeSlots.TryPop(out slot))
        {
            if (_slotsUsed == _slots.Length)
            {
                Array.Resize(ref _slots, _slots.Length * 2);
            }

            slot = _slotsUsed++;
        }

        _slots[slot] = connection;
        return slot;
    }

    public void Detach(int slot)
    {
        _slots[slot] = null;
        _freeSlots.Push(slot);
        Interlocked.Decrement(ref _assigned);
    }

    /// <summary>An empty kernel pipe from the pool, or a new one; false when none can be made.</summary>
    public bool TryRentPipe(out KernelPipe pipe)
    {
        if (_pipes.TryPop(out pipe))
        {
            return true;
        }

        int* fds = stackalloc int[2];
        if (Native.Pipe2(fds, Native.NonBlock | Native.CloseOnExec) != 0)
        {
            pipe = KernelPipe.None;
            return false;
        }

        pipe = new KernelPipe(fds[0], fds[1], PipeSizing.Size(fds[1]));
        return true;
    }

    /// <summary>Returns an empty pipe to the pool; a pipe still holding bytes must be closed instead.</summary>
    public void ReturnPipe(KernelPipe pipe)
    {
        if (_pipes.Count < _maxPooledPipes)
        {
            _pipes.Push(pipe);
        }
        else
        {
            ClosePipe(pipe);
        }
    }

    /// <summary>Closes a pipe, whatever it holds.</summary>
    public static void ClosePipe(KernelPipe pipe)
    {
        _ = Native.Close(pipe.Read);
        _ = Native.Close(pipe.Write);
        PipeSizing.Closed(pipe.Capacity);
    }

    private void Run()
    {
        byte* events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * Native.EpollEventSize));
        while (true)
        {
            // The yield comes before the first look, even after a busy batch: looking first
            // (and yielding only when nothing was there) left the cores idle 8 to 10% of the
            // time instead of 3, and took fewer new connections.
            int rounds = SettingUp || Connecting > 0 ? YieldsBeforeSleep : 0;
            SettingUp = false;
            int count = 0;
            for (int round = 0; round < rounds && count == 0; round++)
            {
                _ = Native.SchedYield();
                count = Native.EpollWait(Epoll, events, MaxEvents, 0);
            }

            if (count == 0)
            {
                count = Native.EpollWait(Epoll, events, MaxEvents, Connecting > 0 ? DeadlineCheckMilliseconds : -1);
            }

            if (count < 0)
            {
                // EINTR only: the arguments are the loop's own and stay valid.
                count = 0;
            }

            for (int i = 0; i < count; i++)
            {
                ulong data = Native.EventData(events, i);
                if (data == WakeToken)
                {
                    ulong value;
                    _ = Native.Read(_wake, &value, sizeof(ulong));
                    Volatile.Write(ref _wakePending, 0);
                    continue;
                }

                if ((data & AcceptorToken) != 0)
                {
                    LoopAcceptor.OnReadable(this, (int)(data & ~AcceptorToken));
                    continue;
                }

                // A connection closed earlier in this batch has left its slot empty; new ones
                // take slots only below, after the batch, so a slot never changes owner within it.
                SplicedConnection? connection = _slots[(int)(data >> 1)];
                connection?.OnEvent(target: (data & 1) != 0, Native.EventMask(events, i));
            }

            while (_deferred.TryDequeue(out ILoopWork? work))
            {
                work.OnPosted();
            }

            while (_posted.TryDequeue(out ILoopWork? work))
            {
                work.OnPosted();
            }

            if (Connecting > 0)
            {
                CheckDeadlines();
            }
        }
    }

    private void CheckDeadlines()
    {
        long now = Environment.TickCount64;
        if (now < _nextDeadlineCheck)
        {
            return;
        }

        _nextDeadlineCheck = now + DeadlineCheckMilliseconds;
        for (int i = 0; i < _slotsUsed; i++)
        {
            _slots[i]?.CheckConnectDeadline(now);
        }
    }
}
