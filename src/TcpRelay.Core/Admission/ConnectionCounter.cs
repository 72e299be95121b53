namespace TcpRelay.Admission;

/// <summary>
/// Live connections against a maximum: one per route with a limit, and one shared by every
/// route for the global limit. Lock-free; a failed acquire changes nothing. A reload may change
/// the maximum: connections already counted stay counted, and new ones are admitted once the
/// count is below the new maximum.
/// </summary>
internal sealed class ConnectionCounter
{
    private int _count;
    private int _maximum;

    public ConnectionCounter(int maximum)
    {
        Maximum = maximum;
    }

    public int Maximum
    {
        get => Volatile.Read(ref _maximum);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Volatile.Write(ref _maximum, value);
        }
    }

    public int Count => Volatile.Read(ref _count);

    public bool TryAcquire()
    {
        int current = Volatile.Read(ref _count);
        int maximum = Maximum;
        while (current < maximum)
        {
            int seen = Interlocked.CompareExchange(ref _count, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    /// <summary>
    /// Counts a connection that is already live, whatever the maximum: one accepted before a
    /// reload gave its route this limit.
    /// </summary>
    public void Add() => Interlocked.Increment(ref _count);

    public void Release() => Interlocked.Decrement(ref _count);
}
