namespace TcpRelay.Admission;

/// <summary>
/// Live connections against a fixed maximum: one per route with a limit, and one shared by every
/// route for the global limit. Lock-free; a failed acquire changes nothing.
/// </summary>
internal sealed class ConnectionCounter
{
    private int _count;

    public ConnectionCounter(int maximum)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maximum);
        Maximum = maximum;
    }

    public int Maximum { get; }

    public int Count => Volatile.Read(ref _count);

    public bool TryAcquire()
    {
        int current = Volatile.Read(ref _count);
        while (current < Maximum)
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

    public void Release() => Interlocked.Decrement(ref _count);
}
