namespace TcpRelay.Relaying.Splicing;

/// <summary>
/// The process's splice loops, started on first use: one per processor unless
/// <c>TCPRELAY_SPLICE_LOOPS</c> says otherwise. <c>TCPRELAY_DATA_PATH=pipelines</c> turns the
/// engine off, and so does a kernel that refuses epoll or pipes; connections then take the
/// managed <see cref="RelaySession"/> path.
/// </summary>
internal static class SpliceEngine
{
    // Pipes kept for reuse per loop: enough for every direction in flight under load, few
    // enough that an idle relay holds a handful of descriptors.
    private const int PooledPipesPerLoop = 64;

    // How many more connections the accepting loop may hold than the least busy one before a
    // new connection goes to the latter. Small differences are left alone: a connection kept on
    // the thread that accepted it costs no hand-over and no wake-up of another thread.
    private const int BalanceSlack = 4;

    private static readonly Lazy<SpliceLoop[]?> Loops = new(Create);
    private static int _next;

    private static string? _unavailable;

    /// <summary>Why the engine is off, when it is; null while it runs. Starts the loops if they have not started.</summary>
    public static string? Unavailable => Loops.Value is null ? _unavailable : null;

    /// <summary>Every loop; null when the engine is off.</summary>
    public static SpliceLoop[]? AllLoops() => Loops.Value;

    /// <summary>The next loop, round robin; null when the engine is off.</summary>
    public static SpliceLoop? NextLoop()
    {
        SpliceLoop[]? loops = Loops.Value;
        return loops is null ? null : loops[(int)((uint)Interlocked.Increment(ref _next) % (uint)loops.Length)];
    }

    /// <summary>
    /// The loop a connection accepted on <paramref name="accepted"/> is to run on. Connections
    /// arriving together wake one loop, which accepts up to 64 of them in a batch; kept there, a
    /// burst of long-lived connections (a client's connection pool, say) would all be relayed
    /// by one thread while the other cores sit idle. So once the accepting loop holds
    /// <see cref="BalanceSlack"/> more connections than the least busy loop, the connection goes
    /// to that one.
    /// </summary>
    public static SpliceLoop Balance(SpliceLoop accepted)
    {
        int mine = accepted.Assigned;
        if (mine < BalanceSlack || Loops.Value is not { Length: > 1 } loops)
        {
            return accepted;
        }

        SpliceLoop least = accepted;
        int fewest = mine;
        foreach (SpliceLoop loop in loops)
        {
            int assigned = loop.Assigned;
            if (assigned < fewest)
            {
                least = loop;
                fewest = assigned;
            }
        }

        return mine - fewest >= BalanceSlack ? least : accepted;
    }

    private static SpliceLoop[]? Create()
    {
        if (!OperatingSystem.IsLinux())
        {
            _unavailable = "splice(2) is Linux only";
            return null;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("TCPRELAY_DATA_PATH"), "pipelines", StringComparison.OrdinalIgnoreCase))
        {
            _unavailable = "TCPRELAY_DATA_PATH=pipelines";
            return null;
        }

        int count = Environment.ProcessorCount;
        if (int.TryParse(Environment.GetEnvironmentVariable("TCPRELAY_SPLICE_LOOPS"), out int configured) && configured > 0)
        {
            count = Math.Min(configured, 64);
        }

        try
        {
            var loops = new SpliceLoop[count];
            for (int i = 0; i < count; i++)
            {
                loops[i] = new SpliceLoop(i, PooledPipesPerLoop);
            }

            return loops;
        }
        catch (InvalidOperationException e)
        {
            _unavailable = e.Message;
            return null;
        }
    }
}
