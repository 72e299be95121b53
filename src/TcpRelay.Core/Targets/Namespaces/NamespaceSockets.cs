using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace TcpRelay.Targets.Namespaces;

/// <summary>
/// Creates sockets inside other network namespaces. The only code in TcpRelay that moves a thread
/// into another namespace: a dedicated thread enters the namespace, creates the socket (which
/// belongs to that namespace for its whole life), and returns to the relay's namespace before it
/// does anything else. The connect then runs asynchronously from any thread, like any other.
/// A thread that cannot return is never used again: it ends, and a new one takes over.
/// </summary>
internal sealed class NamespaceSockets
{
    private readonly BlockingCollection<NamespaceRequest> _requests = [];
    private readonly Lock _gate = new();
    private ILogger _logger = NullLogger.Instance;
    private Thread? _worker;
    private int _workers;

    /// <summary>The process's one instance, so that a single thread ever switches namespaces.</summary>
    public static NamespaceSockets Shared { get; } = new();

    /// <summary>Where a thread that cannot return to the relay's namespace is reported.</summary>
    public void UseLogger(ILogger logger) => _logger = logger;

    /// <summary>
    /// Creates an unconnected TCP socket inside the network namespace at <paramref name="namespacePath"/>
    /// (<c>/proc/PID/ns/net</c> or <c>/run/netns/NAME</c>).
    /// </summary>
    /// <exception cref="TargetDialException">The namespace is gone, or the relay lacks the privilege.</exception>
    public Task<Socket> CreateSocketAsync(string namespacePath, AddressFamily family)
    {
        var request = new NamespaceRequest(namespacePath, family);
        _requests.Add(request);
        EnsureWorker();
        return request.Socket.Task;
    }

    /// <summary>The namespace the switching thread is in between requests (for tests).</summary>
    internal Task<string> WorkerNamespaceAsync()
    {
        var request = new NamespaceRequest(null, AddressFamily.Unspecified);
        _requests.Add(request);
        EnsureWorker();
        return request.Report.Task;
    }

    private void EnsureWorker()
    {
        lock (_gate)
        {
            if (_worker is null)
            {
                StartWorker();
            }
        }
    }

    /// <summary>Called under the lock.</summary>
    private void StartWorker()
    {
        _worker = new Thread(Run)
        {
            IsBackground = true,
            Name = $"tcprelay-netns-{Interlocked.Increment(ref _workers)}",
        };
        _worker.Start();
    }

    private void Run()
    {
        int home = NetnsInterop.Open("/proc/thread-self/ns/net", out int errno);
        if (home < 0)
        {
            FailPending($"cannot open the relay's own network namespace: {NetnsInterop.Describe(errno)}");
            return;
        }

        try
        {
            foreach (NamespaceRequest request in _requests.GetConsumingEnumerable())
            {
                if (!Serve(request, home))
                {
                    NamespaceLog.CannotReturn(_logger, Thread.CurrentThread.Name ?? "?", request.Path ?? "");
                    break;
                }
            }
        }
        finally
        {
            NetnsInterop.Close(home);
        }

        // This thread is in a foreign namespace and ends here; a new one serves what is queued.
        lock (_gate)
        {
            _worker = null;
            if (_requests.Count > 0)
            {
                StartWorker();
            }
        }
    }

    /// <summary>Serves one request; false when the thread could not return home.</summary>
    private static bool Serve(NamespaceRequest request, int home)
    {
        if (request.Path is null)
        {
            request.Report.TrySetResult(ReadOwnNamespace());
            return true;
        }

        // Before the namespace file is opened: it takes a descriptor too, and an early return
        // must not leave it open.
        if (SocketShortage.Refusal("in", request.Path) is { } refused)
        {
            request.Socket.TrySetException(refused);
            return true;
        }

        int target = NetnsInterop.Open(request.Path, out int errno);
        if (target < 0)
        {
            request.Socket.TrySetException(OpenFailure(request.Path, errno));
            return true;
        }

        Socket? socket = null;
        Exception? failure = null;
        bool returned = true;
        try
        {
            int entered = NetnsInterop.Enter(target);
            if (entered != 0)
            {
                request.Socket.TrySetException(EnterFailure(request.Path, entered));
                return true;
            }

            try
            {
                socket = new Socket(request.Family, SocketType.Stream, ProtocolType.Tcp);
            }
            catch (SocketException e)
            {
                failure = SocketShortage.Failed(
                    e.SocketErrorCode == SocketError.TooManyOpenSockets, "in", request.Path, e.Message, e);
            }
            finally
            {
                returned = NetnsInterop.Enter(home) == 0;
            }
        }
        finally
        {
            NetnsInterop.Close(target);
        }

        // Completed only once back home: continuations run elsewhere anyway, but nothing of the
        // caller's should ever start while this thread is in a foreign namespace.
        if (socket is not null)
        {
            request.Socket.TrySetResult(socket);
        }
        else
        {
            request.Socket.TrySetException(failure!);
        }

        return returned;
    }

    private void FailPending(string message)
    {
        while (_requests.TryTake(out NamespaceRequest? request))
        {
            request.Socket.TrySetException(new TargetDialException(DialFailure.Error, message));
            request.Report.TrySetException(new InvalidOperationException(message));
        }

        lock (_gate)
        {
            _worker = null;
        }
    }

    private static TargetDialException OpenFailure(string path, int errno) => errno switch
    {
        NetnsInterop.ENOENT => new TargetDialException(
            DialFailure.Unresolved, $"network namespace {path} does not exist (any more)"),
        NetnsInterop.EACCES or NetnsInterop.EPERM => new TargetDialException(
            DialFailure.PermissionDenied,
            $"cannot open network namespace {path}: {NetnsInterop.Describe(errno)}; opening another "
            + "user's process namespace needs root or CAP_SYS_PTRACE"),
        _ => new TargetDialException(
            DialFailure.Error, $"cannot open network namespace {path}: {NetnsInterop.Describe(errno)}"),
    };

    private static TargetDialException EnterFailure(string path, int errno) => errno switch
    {
        NetnsInterop.EPERM => new TargetDialException(
            DialFailure.PermissionDenied,
            $"entering network namespace {path} needs CAP_SYS_ADMIN (run as root, or grant it with "
            + "systemd's AmbientCapabilities=CAP_SYS_ADMIN)"),
        NetnsInterop.EINVAL => new TargetDialException(
            DialFailure.Error, $"{path} is not a network namespace"),
        _ => new TargetDialException(
            DialFailure.Error, $"cannot enter network namespace {path}: {NetnsInterop.Describe(errno)}"),
    };

    private static string ReadOwnNamespace()
    {
        try
        {
            return new FileInfo("/proc/thread-self/ns/net").LinkTarget ?? "";
        }
        catch (IOException e)
        {
            return "unreadable: " + e.Message;
        }
    }
}
