using System.Runtime.InteropServices;

namespace TcpRelay.Targets.Namespaces;

/// <summary>The three system calls a namespace switch needs.</summary>
internal static partial class NetnsInterop
{
    public const int CloneNewNet = 0x40000000;
    private const int ReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC

    public const int ENOENT = 2;
    public const int EPERM = 1;
    public const int EACCES = 13;
    public const int EINVAL = 22;

    /// <summary>Opens a namespace file; returns the descriptor or -1 with the errno.</summary>
    public static int Open(string path, out int errno)
    {
        int fd = OpenNative(path, ReadOnlyCloseOnExec);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd;
    }

    /// <summary>Moves the calling thread into the namespace; 0 or the errno.</summary>
    public static int Enter(int fd) => SetNs(fd, CloneNewNet) == 0 ? 0 : Marshal.GetLastPInvokeError();

    public static void Close(int fd) => _ = CloseNative(fd);

    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseNative(int fd);
}
