using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TcpRelay.Admission;
using TcpRelay.Configuration;
using TcpRelay.Targets;

namespace TcpRelay.Serving;

/// <summary>
/// Runs every route of a configuration: binds the listeners, dials targets through the
/// registered dialer factories, and stops in three steps (stop accepting, drain, abort the rest).
/// Knows nothing of hosting or the command line, so tests and benchmarks drive it directly.
/// </summary>
public sealed class RelayServer : IAsyncDisposable
{
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(50);

    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<ITargetDialerFactory> _dialerFactories;
    private readonly TimeProvider _time;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IReadOnlyList<RouteRunner> _routes = [];
    private int _stopped;

    /// <summary>Creates a server; nothing listens until <see cref="StartAsync"/>.</summary>
    public RelayServer(
        ILoggerFactory loggerFactory,
        IEnumerable<ITargetDialerFactory> dialerFactories,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(dialerFactories);
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("TcpRelay.Server");
        _dialerFactories = [.. dialerFactories];
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Completes when the server has nothing more to do by itself: every route accepts a single
    /// connection (socat without <c>fork</c>) and those have ended, or the server was stopped.
    /// </summary>
    public Task Completion => _completion.Task;

    /// <summary>The routes now running.</summary>
    public IReadOnlyList<RouteStatus> Routes => [.. _routes.Select(r => r.GetStatus())];

    /// <summary>The connections being relayed now, over all routes.</summary>
    public IReadOnlyList<ConnectionStatus> Connections => [.. _routes.SelectMany(r => r.GetConnections())];

    /// <summary>
    /// Binds every route and starts accepting. When any route cannot start, none is left
    /// running and <see cref="RelayStartException"/> lists every failure.
    /// </summary>
    public async Task StartAsync(RelayConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        FileDescriptorLimit.Check(config, _logger);
        ConnectionCounter? globalLimit = config.MaxConnections is int max ? new ConnectionCounter(max) : null;
        var runners = new List<RouteRunner>();
        var failures = new List<string>();
        foreach (RouteConfig route in config.Routes.Values)
        {
            RouteRunner? runner = TryCreate(route, globalLimit, failures);
            if (runner is not null)
            {
                runners.Add(runner);
            }
        }

        if (failures.Count > 0)
        {
            foreach (RouteRunner runner in runners)
            {
                await runner.DisposeAsync();
            }

            throw new RelayStartException(failures);
        }

        cancellationToken.ThrowIfCancellationRequested();
        _routes = runners;
        foreach (RouteRunner runner in runners)
        {
            runner.Start();
        }

        if (runners.Count > 0 && runners.TrueForAll(r => !r.Config.Listen.Fork))
        {
            _ = Task.WhenAll(runners.Select(r => r.SingleConnectionDone))
                .ContinueWith(_ => _completion.TrySetResult(), TaskScheduler.Default);
        }
    }

    /// <summary>
    /// Stops accepting on every route, lets live connections finish for up to
    /// <paramref name="drainTimeout"/>, then aborts the rest and logs the counts.
    /// </summary>
    public async Task StopAsync(TimeSpan drainTimeout, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        IReadOnlyList<RouteRunner> routes = _routes;
        foreach (RouteRunner route in routes)
        {
            await route.StopAcceptingAsync();
        }

        int active = routes.Sum(r => r.ActiveConnections);
        ServerLog.Draining(_logger, drainTimeout.TotalSeconds, active);
        long deadline = _time.GetTimestamp() + (long)(drainTimeout.TotalSeconds * _time.TimestampFrequency);
        while (routes.Sum(r => r.ActiveConnections) > 0 && _time.GetTimestamp() < deadline
            && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(DrainPoll, _time, CancellationToken.None);
        }

        int aborted = routes.Sum(r => r.ActiveConnections);
        foreach (RouteRunner route in routes)
        {
            route.AbortConnections();
        }

        // Aborted sessions end within moments; give them that so their end lines are logged.
        for (int i = 0; i < 40 && routes.Sum(r => r.ActiveConnections) > 0; i++)
        {
            await Task.Delay(DrainPoll, _time, CancellationToken.None);
        }

        foreach (RouteRunner route in routes)
        {
            await route.Dialer.DisposeAsync();
        }

        ServerLog.Stopped(_logger, active - aborted, aborted);
        _completion.TrySetResult();
    }

    /// <summary>Stops with no drain.</summary>
    public async ValueTask DisposeAsync() => await StopAsync(TimeSpan.Zero, CancellationToken.None);

    private RouteRunner? TryCreate(RouteConfig route, ConnectionCounter? globalLimit, List<string> failures)
    {
        ITargetDialer? dialer = null;
        foreach (ITargetDialerFactory factory in _dialerFactories)
        {
            dialer = factory.TryCreate(route);
            if (dialer is not null)
            {
                break;
            }
        }

        if (dialer is null)
        {
            failures.Add($"route {route.Name}: no dialer for target {route.Target.Describe()} in this build");
            return null;
        }

        ILogger logger = _loggerFactory.CreateLogger("TcpRelay.Route");
        var runner = new RouteRunner(route, dialer, logger, _time, globalLimit);
        try
        {
            runner.Bind();
            return runner;
        }
        catch (SocketException e)
        {
            failures.Add($"route {route.Name}: cannot listen on {route.Listen.EndPoint}: {e.Message}");
            _ = runner.DisposeAsync().AsTask();
            return null;
        }
    }
}
