using System.Runtime.InteropServices;

namespace TcpRelay.Relaying.Splicing;

/// <summary>
/// The Linux calls the splice engine makes directly: epoll, eventfd, pipes, splice, sched_yield
/// and the few socket calls on descriptors that no <see cref="System.Net.Sockets.Socket"/> owns.
/// Constants are the generic Linux ABI values (x86-64 and arm64 agree on all of them).
/// </summary>
internal static unsafe partial class Native
{
    public const int EIntr = 4;
    public const int EAgain = 11;
    public const int EMFile = 24;
    public const int ENFile = 23;
    public const int EInProgress = 115;
    public const int ENoMem = 12;
    public const int EBadF = 9;
    public const int EInval = 22;
    public const int ENoBufs = 105;

    // What accept4 reports for a connection that failed or left before it was accepted (see
    // accept(2), "Error handling"): that connection is gone, the next one can be accepted.
    public const int EProto = 71;
    public const int ENoProtoOpt = 92;
    public const int EOpNotSupp = 95;
    public const int ENetDown = 100;
    public const int ENetUnreach = 101;
    public const int EConnAborted = 103;
    public const int EHostDown = 112;
    public const int EHostUnreach = 113;
    public const int ENoNet = 64;

    public const uint EpollIn = 0x001;
    public const uint EpollOut = 0x004;
    public const uint EpollErr = 0x008;
    public const uint EpollHup = 0x010;
    public const uint EpollRdHup = 0x2000;
    public const uint EpollExclusive = 1u << 28;
    public const uint EpollEdgeTriggered = 1u << 31;

    public const int EpollCtlAdd = 1;
    public const int EpollCtlDel = 2;

    public const uint SpliceMove = 1;
    public const uint SpliceNonBlock = 2;

    public const int NonBlock = 0x800;
    public const int CloseOnExec = 0x80000;
    public const int SockStream = 1;

    public const int SolSocket = 1;
    public const int SoReuseAddr = 2;
    public const int SoError = 4;
    public const int SoKeepAlive = 9;
    public const int SoLinger = 13;
    public const int IpProtoTcp = 6;
    public const int TcpNoDelay = 1;
    public const int TcpKeepIdle = 4;
    public const int TcpKeepInterval = 5;
    public const int TcpKeepCount = 6;

    public const int ShutWrite = 1;
    public const int MsgNoSignal = 0x4000;
    public const int MsgMore = 0x8000;
    private const nuint FionBio = 0x5421;

    /// <summary>Size of struct epoll_event: packed on x86-64, naturally aligned elsewhere.</summary>
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static readonly int EpollDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    public static int Errno => Marshal.GetLastPInvokeError();

    public static int EpollAdd(int epoll, int fd, uint events, ulong data) => EpollControl(epoll, EpollCtlAdd, fd, events, data);

    public static int EpollRemove(int epoll, int fd) => EpollControl(epoll, EpollCtlDel, fd, 0, 0);

    public static uint EventMask(byte* events, int index) => *(uint*)(events + (index * EpollEventSize));

    public static ulong EventData(byte* events, int index) => *(ulong*)(events + (index * EpollEventSize) + EpollDataOffset);

    public static int SetNonBlocking(int fd)
    {
        int on = 1;
        return Ioctl(fd, FionBio, &on);
    }

    public static int SetInt(int fd, int level, int name, int value) => SetSockOpt(fd, level, name, &value, sizeof(int));

    /// <summary>SO_LINGER with a zero timeout: the close that follows sends a reset.</summary>
    public static void SetResetOnClose(int fd)
    {
        int* linger = stackalloc int[2];
        linger[0] = 1;
        linger[1] = 0;
        _ = SetSockOpt(fd, SolSocket, SoLinger, linger, 2 * sizeof(int));
    }

    public static int PendingError(int fd)
    {
        int error = 0;
        int length = sizeof(int);
        return GetSockOpt(fd, SolSocket, SoError, &error, &length) == 0 ? error : Errno;
    }

    private static int EpollControl(int epoll, int operation, int fd, uint events, ulong data)
    {
        byte* ev = stackalloc byte[16];
        *(uint*)ev = events;
        *(ulong*)(ev + EpollDataOffset) = data;
        return EpollCtl(epoll, operation, fd, ev);
    }

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epoll, int operation, int fd, byte* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epoll, byte* events, int maxEvents, int timeout);

    [LibraryImport("libc", EntryPoint = "sched_yield")]
    public static partial int SchedYield();

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "splice", SetLastError = true)]
    public static partial nint Splice(int fdIn, nint offIn, int fdOut, nint offOut, nuint length, uint flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "shutdown", SetLastError = true)]
    public static partial int Shutdown(int fd, int how);

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "accept4", SetLastError = true)]
    public static partial int Accept4(int fd, byte* address, int* length, int flags);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    public static partial int Connect(int fd, byte* address, int length);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, byte* address, int length);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, nuint request, int* argument);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    private static partial int SetSockOpt(int fd, int level, int name, void* value, int length);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    private static partial int GetSockOpt(int fd, int level, int name, void* value, int* length);
}
