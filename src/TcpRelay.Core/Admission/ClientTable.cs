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
    private readonly TimeProvider _time;
    private readonly long _sweepTicks;
    private long _nextSweep;
    private int _entries;
    private int _sweeping;

    private Limits _limits;

    public ClientTable(int? maxLivePerClient, double? newPerSecond, TimeProvider time)
    {
        _limits = new Limits(maxLivePerClient, newPerSecond ?? 0);
        _time = time;
        _sweepTicks = (long)(SweepInterval.TotalSeconds * time.TimestampFrequency);
        _nextSweep = time.GetTimestamp() + _sweepTicks;
    }

    public int Entries => Volatile.Read(ref _entries);

    /// <summary>
    /// New limits from a reload, for the connections admitted from now on. What clients hold
    /// stays: live connections still count against the new per-client maximum, and a bucket
    /// keeps its tokens (at most the new burst).
    /// </summary>
    public void Reconfigure(int? maxLivePerClient, double? newPerSecond) =>
        Volatile.Write(ref _limits, new Limits(maxLivePerClient, newPerSecond ?? 0));

    /// <summary>
    /// Takes a token and a live slot for the client. On success <paramref name="held"/> is the
    /// state to give back through <see cref="Release"/>; the slot is taken even when only the
    /// rate is limited.
    /// </summary>
    public Refusal TryAcquire(IPAddress client, out ClientState? held)
    {
        UInt128 key = AddressBits.ClientKey(client);
        long now = _time.GetTimestamp();
        Limits limits = Volatile.Read(ref _limits);
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

                if (limits.HasRate)
                {
                    Refill(state, now, limits);
                    if (state.Tokens < 1)
                    {
                        held = null;
                        return Refusal.RateLimit;
                    }
                }

                if (limits.MaxLive is int max && state.Live >= max)
                {
                    held = null;
                    return Refusal.ClientLimit;
                }

                // The token is spent only once the connection gets through, so a client at its
                // connection limit does not also drain its rate.
                if (limits.HasRate)
                {
                    state.Tokens -= 1;
                }

                // Counted even without a maximum, so that a reload adding one finds every live
                // connection of the client already counted.
                state.Live++;
                held = state;
                return Refusal.None;
            }
        }
    }

    /// <summary>
    /// Counts a connection of <paramref name="client"/> that is already live, whatever the
    /// maximum and without taking a token: one accepted before a reload gave the route its
    /// per-client limits. Give it back through <see cref="Release"/>.
    /// </summary>
    public ClientState Add(IPAddress client)
    {
        UInt128 key = AddressBits.ClientKey(client);
        while (true)
        {
            ClientState state = _clients.GetOrAdd(key, static (_, table) => table.NewState(), this);
            lock (state.Gate)
            {
                if (state.Removed)
                {
                    continue;
                }

                state.Live++;
                return state;
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
        return new ClientState(Volatile.Read(ref _limits).Burst, _time.GetTimestamp());
    }

    private void Refill(ClientState state, long now, Limits limits)
    {
        // Clamped even when no time has passed: a reload may have lowered the burst.
        double seconds = (now - state.LastRefill) / (double)_time.TimestampFrequency;
        state.Tokens = Math.Min(limits.Burst, state.Tokens + (Math.Max(0, seconds) * limits.Rate));
        if (seconds > 0)
        {
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
            Limits limits = Volatile.Read(ref _limits);
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

                    if (limits.HasRate && !crowded)
                    {
                        Refill(state, now, limits);
                        if (state.Tokens < limits.Burst)
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

    /// <summary>One route's per-client limits, replaced whole by a reload.</summary>
    private sealed class Limits
    {
        public Limits(int? maxLive, double rate)
        {
            MaxLive = maxLive;
            Rate = rate;

            // A burst of one second's worth, at least one connection, so a rate below 1/s still
            // lets a client in now and then.
            Burst = Math.Max(1, Math.Ceiling(rate));
        }

        public int? MaxLive { get; }

        public double Rate { get; }

        public double Burst { get; }

        public bool HasRate => Rate > 0;
    }
}
