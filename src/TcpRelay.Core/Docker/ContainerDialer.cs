using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TcpRelay.Configuration;
using TcpRelay.Targets;
using TcpRelay.Targets.Namespaces;

namespace TcpRelay.Docker;

/// <summary>
/// Dials a container target where the Docker view says it is now: its address on the chosen
/// network (bridge), or a service inside its network namespace (namespace), or the first when
/// this namespace has a route to it and the second otherwise (auto). While the container is not
/// usable (stopped, missing, unhealthy, engine not answering yet) a new connection waits for the
/// view to change, up to the target's hold time, then fails with a message saying why.
/// </summary>
internal sealed class ContainerDialer : ITargetDialer, ITargetHealth
{
    private static readonly TimeSpan ServiceStartRetry = TimeSpan.FromMilliseconds(100);

    private readonly RouteConfig _route;
    private readonly ContainerTarget _target;
    private readonly DockerView _view;
    private readonly NamespaceSockets _namespaces;
    private readonly ContainerWatch _watch;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private string? _lastPath;
    private int _disposed;

    public ContainerDialer(RouteConfig route, ContainerTarget target, DockerView view,
        NamespaceSockets namespaces, ILogger logger, TimeProvider time)
    {
        _route = route;
        _target = target;
        _view = view;
        _namespaces = namespaces;
        _logger = logger;
        _time = time;
        _watch = view.Watch(target.Container);
    }

    public string CurrentTarget
    {
        get
        {
            ContainerChoice choice = Choose(_watch.Current);
            if (choice.Problem is not null)
            {
                return $"{_target.Describe()} ({choice.Problem})";
            }

            return choice.Address is { } address && !UseNamespace(choice, log: false)
                ? $"{new IPEndPoint(address, _target.Port)} ({_target.Describe()})"
                : $"{_target.NamespaceHost}:{_target.Port} in {_target.Describe()}'s network namespace";
        }
    }

    public bool IsResolved => Problem is null;

    /// <summary>The same judgement a new connection would meet: missing, stopped, unhealthy, no address.</summary>
    public string? Problem => Choose(_watch.Current).Problem;

    public async ValueTask<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        long started = _time.GetTimestamp();
        bool held = false;
        while (true)
        {
            // Read the signal before the state: an update between the two still wakes the wait below.
            Task changed = _watch.Changed;
            ContainerChoice choice = Choose(_watch.Current);
            string? problem = choice.Problem;
            if (problem is null)
            {
                try
                {
                    if (UseNamespace(choice, log: true))
                    {
                        return await ConnectInNamespaceAsync(choice.Container!, cancellationToken);
                    }

                    var remote = new IPEndPoint(choice.Address!, _target.Port);
                    return await TcpConnector.ConnectAsync(remote, _route.Connection, null, cancellationToken);
                }
                catch (TargetDialException e) when (e.Failure is DialFailure.Refused or DialFailure.Unreachable
                    && changed.IsCompleted && Remaining(started) > TimeSpan.Zero)
                {
                    // The container moved while we dialled its old address: follow it.
                    DockerLog.RetryAfterChange(_logger, _route.Name, e.Message, _target.Container);
                    continue;
                }
                catch (TargetDialException e) when (e.Failure is DialFailure.Unresolved)
                {
                    // Its namespace vanished: the container is stopping; the view will hear of it.
                    problem = $"container {_target.Container} is not running ({e.Message})";
                }
                catch (TargetDialException e) when (e.Failure is DialFailure.Refused && held
                    && Remaining(started) > TimeSpan.Zero)
                {
                    // This connection waited for the container to start; its service may need a
                    // moment more to listen. Keep trying within the same hold time.
                    DockerLog.RetryAfterChange(_logger, _route.Name, e.Message, _target.Container);
                    await Task.Delay(Min(ServiceStartRetry, Remaining(started)), _time, cancellationToken);
                    continue;
                }
            }

            TimeSpan remaining = Remaining(started);
            if (choice.Final || remaining <= TimeSpan.Zero)
            {
                string waited = choice.Final ? "" : $" (waited {_target.HoldTime.TotalSeconds:0.#} s)";
                throw new TargetDialException(DialFailure.Unresolved, problem + waited);
            }

            DockerLog.Holding(_logger, _route.Name, _target.Container, problem, remaining);
            held = true;
            try
            {
                await changed.WaitAsync(remaining, _time, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Loop once more: the last look decides the message.
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _view.Release(_watch);
        }

        return ValueTask.CompletedTask;
    }

    private ContainerChoice Choose(ContainerSnapshot? snapshot)
    {
        if (_target.Via != TargetVia.Auto)
        {
            return ContainerChoice.Make(snapshot, _target, _view, needAddress: _target.Via == TargetVia.Bridge);
        }

        // Auto: a container without a usable address is still reachable through its namespace.
        ContainerChoice withAddress = ContainerChoice.Make(snapshot, _target, _view);
        return withAddress.Address is not null
            ? withAddress
            : ContainerChoice.Make(snapshot, _target, _view, needAddress: false);
    }

    /// <summary>The path of this connection; auto mode logs the choice and its reason when it changes.</summary>
    private bool UseNamespace(ContainerChoice choice, bool log)
    {
        if (_target.Via != TargetVia.Auto)
        {
            return _target.Via == TargetVia.Namespace;
        }

        string? noRoute = choice.Address is { } address ? RouteProbe.Problem(address) : "it has no address here";
        if (log)
        {
            string path = noRoute is null ? $"bridge to {choice.Address}" : "namespace";
            string reason = noRoute ?? "this namespace has a route to its address";
            if (Interlocked.Exchange(ref _lastPath, path + reason) != path + reason)
            {
                DockerLog.ViaChosen(_logger, _route.Name, _target.Container, path, reason);
            }
        }

        return noRoute is not null;
    }

    private async Task<Socket> ConnectInNamespaceAsync(
        ContainerSnapshot container, CancellationToken cancellationToken)
    {
        if (!IPAddress.TryParse(_target.NamespaceHost, out IPAddress? host))
        {
            throw new TargetDialException(DialFailure.Error,
                "the host dialled inside a container's namespace must be an IP address, "
                + $"not '{_target.NamespaceHost}'");
        }

        // The namespace of the process the view saw last: a recreated container has a new one.
        var remote = new IPEndPoint(host, _target.Port);
        string path = $"/proc/{container.Pid}/ns/net";
        Socket socket = await _namespaces.CreateSocketAsync(path, remote.AddressFamily);
        return await TcpConnector.ConnectAsync(socket, remote, _route.Connection, cancellationToken);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private TimeSpan Remaining(long started) => _target.HoldTime - _time.GetElapsedTime(started);
}
