using System.Collections.Concurrent;
using System.Net;

namespace TcpRelay.Admission;

/// <summary>
/// Per-client limits of one route: live connections per client address and a token bucket of
/// new connections per second per client address.
/// </summary>
/// <remarks>
/// Memory stays bounded: an entry with no live connection whose bucket has refilled is no
/// different from a missing one, so a sweep (at most every <see cref="SweepInterval"/>, on the
/// thread pool) removes it. Should the table still exceed <see cref="SoftCapacity"/> entries
/// (a flood from many addresses), the sweep also drops idle entries whose bucket has not yet
/// refilled: those clients get a full bucket again, trading rate accuracy for memory. Entries
/// with live connections are never dropped; there are at most as many as live connections.
/// </remarks>
internal sealed class ClientTable
{
    public const int SoftCapacity = 65_536;

    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<UInt128, ClientState> _clients = new();
    private readonly int? _maxLive;
    private readonly double _rate;
    private readonly double _burst;
    private readonly TimeProvider _time;
    private readonly long _sweepTicks;
    private long _nextSweep;
    private int _entries;
    private int _sweeping;

    public ClientTable(int? maxLivePerClient, double? newPerSecond, TimeProvider time)
    {
        _maxLive = maxLivePerClient;
        _rate = newPerSecond ?? 0;

        // A burst of one second's worth, at least one connection, so a rate below 1/s still
        // lets a client in now and then.
        _burst = Math.Max(1, Math.Ceiling(_rate));
        _time = time;
        _sweepTicks = (long)(SweepInterval.TotalSeconds * time.TimestampFrequency);
        _nextSweep = time.GetTimestamp() + _sweepTicks;
    }

    public int Entries => Volatile.Read(ref _entries);

    private bool HasRate => _rate > 0;

    /// <summary>
    /// Takes a token and a live slot for the client. On success <paramref name="held"/> is the
    /// state to give back through <see cref="Release"/> (null when only the rate is limited).
    /// </summary>
    public Refusal TryAcquire(IPAddress client, out ClientState? held)
    {
        UInt128 key = AddressBits.ClientKey(client);
        long now = _time.GetTimestamp();
        MaybeSweep(now);
        while (true)
        {
            ClientState state = _clients.GetOrAdd(key, static (_, table) => table.NewState(), this);
            lock (state.Gate)
            {
                if (state.Removed)
                {
                    continue;
                }

                if (HasRate)
                {
                    Refill(state, now);
                    if (state.Tokens < 1)
                    {
                        held = null;
                        return Refusal.RateLimit;
                    }
                }

                if (_maxLive is int max && state.Live >= max)
                {
                    held = null;
                    return Refusal.ClientLimit;
                }

                // The token is spent only once the connection gets through, so a client at its
                // connection limit does not also drain its rate.
                if (HasRate)
                {
                    state.Tokens -= 1;
                }

                if (_maxLive is null)
                {
                    held = null;
                    return Refusal.None;
                }

                state.Live++;
                held = state;
                return Refusal.None;
            }
        }
    }

    public static void Release(ClientState state)
    {
        lock (state.Gate)
        {
            state.Live--;
        }
    }

    private ClientState NewState()
    {
        Interlocked.Increment(ref _entries);
        return new ClientState(_burst, _time.GetTimestamp());
    }

    private void Refill(ClientState state, long now)
    {
        double seconds = (now - state.LastRefill) / (double)_time.TimestampFrequency;
        if (seconds > 0)
        {
            state.Tokens = Math.Min(_burst, state.Tokens + (seconds * _rate));
            state.LastRefill = now;
        }
    }

    private void MaybeSweep(long now)
    {
        bool due = now >= Volatile.Read(ref _nextSweep) || Entries > SoftCapacity;
        if (!due || Interlocked.CompareExchange(ref _sweeping, 1, 0) != 0)
        {
            return;
        }

        Volatile.Write(ref _nextSweep, now + _sweepTicks);
        ThreadPool.UnsafeQueueUserWorkItem(static table => table.Sweep(), this, preferLocal: false);
    }

    /// <summary>Removes entries that carry no information; public for tests that drive time.</summary>
    public void Sweep()
    {
        try
        {
            long now = _time.GetTimestamp();
            bool crowded = Entries > SoftCapacity;
            foreach (KeyValuePair<UInt128, ClientState> entry in _clients)
            {
                ClientState state = entry.Value;
                lock (state.Gate)
                {
                    if (state.Live > 0)
                    {
                        continue;
                    }

                    if (HasRate && !crowded)
                    {
                        Refill(state, now);
                        if (state.Tokens < _burst)
                        {
                            continue;
                        }
                    }

                    state.Removed = true;
                    if (_clients.TryRemove(entry))
                    {
                        Interlocked.Decrement(ref _entries);
                    }
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }
}
