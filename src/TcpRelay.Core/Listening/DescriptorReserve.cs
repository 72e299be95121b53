using Microsoft.Win32.SafeHandles;

namespace TcpRelay.Listening;

/// <summary>
/// A few file descriptors held back for the runtime. When the process runs out of descriptors,
/// the runtime itself may need one at any moment (to load an assembly for an exception's stack
/// trace, to read a system setting) and aborts the process when it gets none. So the relay keeps
/// these open while it accepts; the first EMFILE releases them, and accepting resumes only once
/// they can be taken back, which means connections have ended and descriptors are free again.
/// </summary>
public static class DescriptorReserve
{
    private const int Size = 16;

    // Taking the reserve back needs this many more free, so that freeing the reserve itself does
    // not count as descriptors being back.
    private const int Margin = 16;
    private static readonly Lock Gate = new();
    private static SafeFileHandle[]? _held;

    /// <summary>True while the reserve is held, so accepting can go on.</summary>
    public static bool IsHeld
    {
        get
        {
            lock (Gate)
            {
                return _held is not null;
            }
        }
    }

    /// <summary>Gives the reserved descriptors back to the process (after an EMFILE or ENFILE).</summary>
    public static void Release()
    {
        SafeFileHandle[]? held;
        lock (Gate)
        {
            held = _held;
            _held = null;
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

            var handles = new List<SafeFileHandle>(Size + Margin);
            try
            {
                for (int i = 0; i < Size + Margin; i++)
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

            handles[Size..].ForEach(h => h.Dispose());
            _held = [.. handles[..Size]];
            return true;
        }
    }
}
