using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace TcpRelay.Doctor;

/// <summary>
/// Creates a TCP socket inside another network namespace: a dedicated thread enters the namespace
/// with setns(2), creates the socket, and then ends, so no pooled thread ever runs in a foreign
/// namespace even if switching back fails. The socket stays in the namespace it was created in.
/// Shortcoming: this is the doctor's private copy of what the namespace dialer does for the relay;
/// the project keeps namespace switching in one component, and this should call that one instead.
/// </summary>
internal static partial class NamespaceSocketFactory
{
    private const int CloneNewNet = 0x40000000;

    public static Task<Socket> CreateAsync(string namespacePath, AddressFamily family)
    {
        var result = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                result.SetResult(CreateInside(namespacePath, family));
            }
            catch (Exception e)
            {
                result.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "doctor netns",
        };
        thread.Start();
        return result.Task;
    }

    private static Socket CreateInside(string namespacePath, AddressFamily family)
    {
        using SafeFileHandle own = File.OpenHandle("/proc/thread-self/ns/net");
        using SafeFileHandle target = File.OpenHandle(namespacePath);
        Enter(target, namespacePath);
        try
        {
            return new Socket(family, SocketType.Stream, ProtocolType.Tcp);
        }
        finally
        {
            // If this fails the thread is left in the other namespace, but it ends right after.
            Enter(own, "the original namespace");
        }
    }

    private static void Enter(SafeFileHandle handle, string what)
    {
        if (SetNs(handle, CloneNewNet) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            string reason = errno == 1
                ? "operation not permitted (needs root: CAP_SYS_ADMIN)"
                : Marshal.GetPInvokeErrorMessage(errno);
            throw new UnauthorizedAccessException($"cannot enter {what}: {reason}");
        }
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(SafeFileHandle fd, int nstype);
}
