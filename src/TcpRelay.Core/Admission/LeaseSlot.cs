using System.Collections.Concurrent;

namespace TcpRelay.Admission;

/// <summary>
/// The counts one admitted connection holds, pooled so an admission allocates nothing. The
/// version makes release exactly-once: a lease carries the version it was issued with, the
/// first release moves the version on, and any later release of that lease (a copy, a second
/// dispose, a stale handle after the slot was reused) finds a different version and does
/// nothing.
/// </summary>
internal sealed class LeaseSlot
{
    private const int MaxPooled = 4096;

    private static readonly ConcurrentQueue<LeaseSlot> Pool = new();
    private static int pooled;

    private int _version;

    public ConnectionCounter? Route { get; set; }

    public ConnectionCounter? Global { get; set; }

    public ClientState? Client { get; set; }

    public int Version => Volatile.Read(ref _version);

    public static LeaseSlot Rent()
    {
        if (Pool.TryDequeue(out LeaseSlot? slot))
        {
            Interlocked.Decrement(ref pooled);
            return slot;
        }

        return new LeaseSlot();
    }

    public void Release(int version)
    {
        if (Interlocked.CompareExchange(ref _version, version + 1, version) != version)
        {
            return;
        }

        ConnectionCounter? route = Route;
        ConnectionCounter? global = Global;
        ClientState? client = Client;
        Route = null;
        Global = null;
        Client = null;
        try
        {
            if (client is not null)
            {
                ClientTable.Release(client);
            }

            route?.Release();
            global?.Release();
        }
        finally
        {
            if (Interlocked.Increment(ref pooled) <= MaxPooled)
            {
                Pool.Enqueue(this);
            }
            else
            {
                Interlocked.Decrement(ref pooled);
            }
        }
    }
}
