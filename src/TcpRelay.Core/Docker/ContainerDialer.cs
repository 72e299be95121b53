using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TcpRelay.Configuration;
using TcpRelay.Targets;

namespace TcpRelay.Docker;

/// <summary>
/// Dials a container target where the Docker view says it is now. While the container is not
/// usable (stopped, missing, unhealthy, engine not answering yet) a new connection waits for the
/// view to change, up to the target's hold time, then fails with a message saying why.
/// </summary>
internal sealed class ContainerDialer : ITargetDialer
{
    private readonly RouteConfig _route;
    private readonly ContainerTarget _target;
    private readonly DockerView _view;
    private readonly ContainerWatch _watch;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private int _disposed;

    public ContainerDialer(RouteConfig route, ContainerTarget target, DockerView view, ILogger logger,
        TimeProvider time)
    {
        _route = route;
        _target = target;
        _view = view;
        _logger = logger;
        _time = time;
        _watch = view.Watch(target.Container);
    }

    public string CurrentTarget
    {
        get
        {
            ContainerChoice choice = ContainerChoice.Make(_watch.Current, _target, _view);
            return choice.Address is null
                ? $"{_target.Describe()} ({choice.Problem})"
                : $"{new IPEndPoint(choice.Address, _target.Port)} ({_target.Describe()})";
        }
    }

    public async ValueTask<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        long started = _time.GetTimestamp();
        while (true)
        {
            // Read the signal before the state: an update between the two still wakes the wait below.
            Task changed = _watch.Changed;
            ContainerChoice choice = ContainerChoice.Make(_watch.Current, _target, _view);
            if (choice.Address is not null)
            {
                var endPoint = new IPEndPoint(choice.Address, _target.Port);
                try
                {
                    return await TcpConnector.ConnectAsync(endPoint, _route.Connection, null, cancellationToken);
                }
                catch (TargetDialException e) when (e.Failure is DialFailure.Refused or DialFailure.Unreachable
                    && changed.IsCompleted && Remaining(started) > TimeSpan.Zero)
                {
                    // The container moved while we dialled its old address: follow it.
                    DockerLog.RetryAfterChange(_logger, _route.Name, endPoint, e.Message, _target.Container);
                    continue;
                }
            }

            TimeSpan remaining = Remaining(started);
            if (choice.Final || remaining <= TimeSpan.Zero)
            {
                string waited = choice.Final ? "" : $" (waited {_target.HoldTime.TotalSeconds:0.#} s)";
                throw new TargetDialException(DialFailure.Unresolved, choice.Problem + waited);
            }

            DockerLog.Holding(_logger, _route.Name, _target.Container, choice.Problem!, remaining);
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

    private TimeSpan Remaining(long started) => _target.HoldTime - _time.GetElapsedTime(started);
}
