namespace TcpRelay.Relaying.Splicing;

/// <summary>
/// How large the splice path's pipes are. A bulk direction moves at most a pipe's worth per pair
/// of splices, and a pipe holds 64 KiB unless asked for more: with 256 KiB, one stream through the
/// relay on loopback went from 10.7-12.2 to 13.8-15.4 Gbit/s and eight from 16.2-16.5 to
/// 18.1-20.2 (1 MiB did no better for one stream and worse for eight).
/// <para>
/// A larger pipe is asked for only while it cannot cost another pipe its default size. Every
/// pipe a user holds counts against <c>fs.pipe-user-pages-soft</c> (16,384 pages by default,
/// 64 MiB), and a user over it gets two-page pipes, unless the process has
/// <c>CAP_SYS_RESOURCE</c> or <c>CAP_SYS_ADMIN</c>. Without those, this process's enlarged pipes
/// take at most half of that limit; beyond it, new pipes keep the default size. A kernel that
/// refuses the larger size (<c>fs.pipe-max-size</c> set lower) leaves the default too.
/// </para>
/// </summary>
internal static class PipeSizing
{
    /// <summary>What a pipe holds when the kernel gives it no more.</summary>
    public const int DefaultBytes = 64 * 1024;

    /// <summary>What an enlarged pipe holds.</summary>
    public const int LargeBytes = 256 * 1024;

    private const int SetPipeSize = 1031; // F_SETPIPE_SZ
    private const int CapSysAdmin = 21;
    private const int CapSysResource = 24;

    private static readonly long BudgetBytes = ReadBudget();
    private static long _largeBytes;

    /// <summary>Sizes a new pipe; returns how many bytes it holds.</summary>
    public static int Size(int writeEnd)
    {
        if (Interlocked.Add(ref _largeBytes, LargeBytes) > BudgetBytes)
        {
            _ = Interlocked.Add(ref _largeBytes, -LargeBytes);
            return DefaultBytes;
        }

        if (Native.Fcntl(writeEnd, SetPipeSize, LargeBytes) < LargeBytes)
        {
            _ = Interlocked.Add(ref _largeBytes, -LargeBytes);
            return DefaultBytes;
        }

        return LargeBytes;
    }

    /// <summary>A pipe of <paramref name="capacity"/> bytes is being closed.</summary>
    public static void Closed(int capacity)
    {
        if (capacity == LargeBytes)
        {
            _ = Interlocked.Add(ref _largeBytes, -LargeBytes);
        }
    }

    private static long ReadBudget()
    {
        if (HasCapability(CapSysAdmin) || HasCapability(CapSysResource))
        {
            return long.MaxValue;
        }

        long pages = 16_384;
        try
        {
            pages = long.Parse(File.ReadAllText("/proc/sys/fs/pipe-user-pages-soft").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            // Unreadable: take the kernel's default.
        }

        return pages == 0 ? long.MaxValue : pages * Environment.SystemPageSize / 2;
    }

    private static bool HasCapability(int capability)
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("CapEff:", StringComparison.Ordinal))
                {
                    ulong effective = ulong.Parse(line.AsSpan(7).Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
                    return (effective & (1UL << capability)) != 0;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
            // Unreadable: assume the capability is missing, which only keeps pipes smaller.
        }

        return false;
    }
}
