namespace TcpRelay.Docker;

/// <summary>
/// The current answer for one container reference (a name or an ID), kept by the Docker view and
/// read by dialers without any API call. <see cref="Changed"/> completes at the next update, so a
/// dialer holding a connection wakes as soon as the container comes back.
/// </summary>
internal sealed class ContainerWatch
{
    private ContainerSnapshot? _current;
    private TaskCompletionSource _changed = NewSignal();

    public ContainerWatch(string reference)
    {
        Reference = reference;
    }

    /// <summary>The name or ID the routes use.</summary>
    public string Reference { get; }

    /// <summary>The container the reference resolves to now; null when none does (or not known yet).</summary>
    public ContainerSnapshot? Current => Volatile.Read(ref _current);

    /// <summary>Completes at the next update. Read it before <see cref="Current"/> to miss nothing.</summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    /// <summary>Routes using this watch; the view drops it at zero.</summary>
    internal int Users { get; set; }

    /// <summary>Last address per network, kept across removal so a recreation logs old -> new once.</summary>
    internal Dictionary<string, System.Net.IPAddress> LastAddresses { get; } = new(StringComparer.Ordinal);

    internal void Publish(ContainerSnapshot? snapshot)
    {
        Volatile.Write(ref _current, snapshot);
        Signal();
    }

    /// <summary>Wakes waiters without a new snapshot, for example when the engine's state changed.</summary>
    internal void Signal()
    {
        TaskCompletionSource previous = Interlocked.Exchange(ref _changed, NewSignal());
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() =>
        new(TaskCreationOptions.RunContinuationsAsynchronously);
}
