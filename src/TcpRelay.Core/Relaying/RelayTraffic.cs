namespace TcpRelay.Relaying;

/// <summary>
/// What every relayed connection keeps, whichever data path moves its bytes: the byte counters
/// (readable from any thread while it runs), the reason it ended, and the idle and half-close
/// timers that end it by calling <see cref="Abort"/>.
/// </summary>
public abstract class RelayTraffic
{
    private readonly TimeProvider _time;
    private readonly TimeSpan? _idleTimeout;
    private long _bytesFromClient;
    private long _bytesFromTarget;
    private long _lastActivity;
    private int _failure;
    private int _firstFin;
    private ITimer? _idleTimer;
    private ITimer? _halfCloseTimer;

    private protected RelayTraffic(RelayOptions options, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = timeProvider ?? TimeProvider.System;
        _idleTimeout = options.IdleTimeout;
    }

    /// <summary>Bytes received from the client and relayed towards the target so far.</summary>
    public long BytesFromClient => Volatile.Read(ref _bytesFromClient);

    /// <summary>Bytes received from the target and relayed towards the client so far.</summary>
    public long BytesFromTarget => Volatile.Read(ref _bytesFromTarget);

    /// <summary>
    /// The first failure recorded, else the side whose FIN came first, else
    /// <see cref="EndReason.None"/> while both directions run.
    /// </summary>
    public EndReason Reason
    {
        get
        {
            var failure = (EndReason)Volatile.Read(ref _failure);
            return failure != EndReason.None ? failure : (EndReason)Volatile.Read(ref _firstFin);
        }
    }

    /// <summary>Ends the connection now with a reset on both sides. The first recorded reason wins.</summary>
    public abstract void Abort(EndReason reason);

    /// <summary>Records a failure unless one is recorded already.</summary>
    private protected void RecordFailure(EndReason reason) =>
        Interlocked.CompareExchange(ref _failure, (int)reason, (int)EndReason.None);

    /// <summary>Records that one side sent its FIN, unless the other side's came first.</summary>
    private protected void RecordFin(bool fromClient) =>
        Interlocked.CompareExchange(
            ref _firstFin,
            (int)(fromClient ? EndReason.ClientClosed : EndReason.TargetClosed),
            (int)EndReason.None);

    /// <summary>Counts relayed bytes, which also count as activity for the idle timeout.</summary>
    private protected void Count(bool fromClient, long bytes)
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

    /// <summary>Starts the idle timeout, if the options set one, once relaying begins.</summary>
    private protected void StartIdleTimer()
    {
        if (_idleTimeout is { } idle)
        {
            _lastActivity = _time.GetTimestamp();
            _idleTimer = _time.CreateTimer(
                static state => ((RelayTraffic)state!).CheckIdle(), this, idle, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Bounds how long the second direction may run once the first has ended.</summary>
    private protected void StartHalfCloseTimer(TimeSpan bound) =>
        _halfCloseTimer = _time.CreateTimer(
            static state => ((RelayTraffic)state!).Abort(EndReason.HalfCloseTimeout),
            this,
            bound,
            Timeout.InfiniteTimeSpan);

    private protected void StopTimers()
    {
        _idleTimer?.Dispose();
        _halfCloseTimer?.Dispose();
    }

    private void CheckIdle()
    {
        TimeSpan limit = _idleTimeout!.Value;
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
}
