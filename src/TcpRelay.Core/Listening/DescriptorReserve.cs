using Microsoft.Win32.SafeHandles;

namespace TcpRelay.Listening;

/// <summary>
/// A few file descriptors held back for the runtime. When the process runs out of descriptors,
/// the runtime itself may need one at any moment (to load an assembly for an exception's stack
/// trace, to read a system setting) and aborts the process when it gets none. So the relay keeps
/// these open while it accepts; the first EMFILE releases them, and accepting and dialing resume
/// only once they can be taken back, which means connections have ended and descriptors are free
/// again.
/// </summary>
public static class DescriptorReserve
{
    private const int Size = 16;

    // Taking the reserve back needs this many more free, so that freeing the reserve itself does
    // not count as descriptors being back.
    private const int Margin = 16;
    private static readonly Lock Gate = new();
    private static SafeFileHandle[]? _held;

    private static volatile bool _givenAway;

    /// <summary>
    /// True from the moment the reserve is given to the runtime until it is taken back. The relay
    /// then opens nothing new for connections, neither accepting nor dialing: a burst of
    /// connections accepted just before would otherwise dial their targets with the numbers the
    /// reserve freed (in a test burst they left as few as 2 of the 16) and leave the runtime none.
    /// </summary>
    public static bool IsShort => _givenAway;

    /// <summary>
    /// Starts, while descriptors are plentiful, the runtime threads that waiting for them to come
    /// back needs: the timer thread and the thread pool's gate thread, which the runtime starts on
    /// first use. Starting a thread takes descriptors, and when the gate thread cannot start the
    /// runtime ends the process: a relay that ran out before either had started, with nothing
    /// free below the limit, exited with code 134. Both then run for the life of the process.
    /// </summary>
    public static async Task StartRuntimeThreadsAsync()
    {
        // The timer thread hands the expired timer to the thread pool, which starts its gate
        // thread and a worker for it.
        await Task.Delay(1).ConfigureAwait(false);
    }

    /// <summary>Gives the reserved descriptors back to the process (after an EMFILE or ENFILE).</summary>
    public static void Release()
    {
        SafeFileHandle[]? held;
        lock (Gate)
        {
            held = _held;
            _held = null;
            _givenAway = true;
        }

        if (held is not null)
        {
            foreach (SafeFileHandle handle in held)
            {
                handle.Dispose();
            }
        }
    }

    /// <summary>
    /// Takes the reserve (again). False, holding nothing, when fewer than the reserve and a margin
    /// beyond it are free.
    /// </summary>
    public static bool TryTake()
    {
        // Called before every accept: held is the common case and needs no lock.
        if (Volatile.Read(ref _held) is not null)
        {
            return true;
        }

        lock (Gate)
        {
            if (_held is not null)
            {
                return true;
            }

            // Counted before anything is opened: opening the reserve and the margin to find out
            // would, while descriptors are short, take every free one for a moment, the moment
            // the runtime may need one to start a thread.
            if (FreeBelowLimit() < Size + Margin)
            {
                return false;
            }

            var handles = new List<SafeFileHandle>(Size);
            try
            {
                for (int i = 0; i < Size; i++)
                {
                    handles.Add(File.OpenHandle("/dev/null"));
                }
            }
            catch (IOException)
            {
                handles.ForEach(h => h.Dispose());
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                // No /dev/null (an unusual sandbox): run without a reserve rather than not at all.
                handles.ForEach(h => h.Dispose());
                _held = [];
                return true;
            }

            _held = [.. handles];
            _givenAway = false;
            return true;
        }
    }

    /// <summary>
    /// Descriptor numbers below the soft limit that the process does not use (the listing's own
    /// descriptor counts as used); unbounded when the limit or /proc cannot be read.
    /// </summary>
    private static long FreeBelowLimit()
    {
        if (Admission.FileDescriptorLimit.SoftLimit() is not ulong limit || limit >= int.MaxValue)
        {
            return long.MaxValue;
        }

        long used = 0;
        try
        {
            foreach (string entry in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
            {
                if (int.TryParse(Path.GetFileName(entry.AsSpan()), out int fd) && (ulong)fd < limit)
                {
                    used++;
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            return long.MaxValue;
        }
        catch (IOException)
        {
            // Not even the listing's descriptor could be had.
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return long.MaxValue;
        }

        return (long)limit - used;
    }
}
