namespace TcpRelay.Admission;

/// <summary>
/// A connection's place in counts that a reload started after the connection was accepted: a
/// route maximum or per-client limits the route did not have before. A connection can gather
/// several over successive reloads (a limit added, taken away and added again, while another
/// stays); all are given back once, when the connection ends.
/// </summary>
/// <remarks>
/// The connection keeps them in one field, through <see cref="Carry"/> and
/// <see cref="ReleaseAll"/>: the newest count, linked to the ones before it, and once the
/// connection has ended a marker that makes any later count go straight back.
/// </remarks>
internal sealed class CarriedCount
{
    private static readonly object Ended = new();

    private readonly ConnectionCounter? _route;
    private readonly ClientState? _client;
    private CarriedCount? _previous;
    private int _released;

    public CarriedCount(ConnectionCounter? route, ClientState? client)
    {
        _route = route;
        _client = client;
    }

    /// <summary>Adds <paramref name="count"/> to what <paramref name="slot"/> holds, or gives it back if the connection has ended.</summary>
    public static void Carry(ref object? slot, CarriedCount count)
    {
        object? seen = Volatile.Read(ref slot);
        while (true)
        {
            if (ReferenceEquals(seen, Ended))
            {
                count.Release();
                return;
            }

            count._previous = seen as CarriedCount;
            object? was = Interlocked.CompareExchange(ref slot, count, seen);
            if (ReferenceEquals(was, seen))
            {
                return;
            }

            seen = was;
        }
    }

    /// <summary>Gives back everything <paramref name="slot"/> holds and marks the connection ended.</summary>
    public static void ReleaseAll(ref object? slot)
    {
        var count = Interlocked.Exchange(ref slot, Ended) as CarriedCount;
        while (count is not null)
        {
            count.Release();
            count = count._previous;
        }
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        if (_client is not null)
        {
            ClientTable.Release(_client);
        }

        _route?.Release();
    }
}
