using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TcpRelay.Admission;
using TcpRelay.Configuration;
using TcpRelay.Diagnostics;
using TcpRelay.Listening;
using TcpRelay.Targets;

namespace TcpRelay.Serving;

/// <summary>
/// Runs every route of a configuration: binds the listeners, dials targets through the
/// registered dialer factories, applies new configurations route by route while it runs, and
/// stops in three steps (stop accepting, drain, abort the rest). Knows nothing of hosting or the
/// command line, so tests and benchmarks drive it directly.
/// </summary>
public sealed class RelayServer : IAsyncDisposable
{
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(50);

    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<ITargetDialerFactory> _dialerFactories;
    private readonly TimeProvider _time;
    private readonly RelayMetrics _metrics;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _changing = new(1, 1);
    private readonly ConcurrentDictionary<RouteRunner, byte> _draining = new();
    private IReadOnlyList<RouteRunner> _routes = [];
    private IReadOnlyList<RouteStatus> _notRunning = [];
    private RelayConfig? _config;
    private ConnectionCounter? _globalLimit;
    private int _stopped;

    /// <summary>Creates a server; nothing listens until <see cref="StartAsync"/>.</summary>
    /// <param name="loggerFactory">Where route and connection events go.</param>
    /// <param name="dialerFactories">One factory per target kind; asked in order.</param>
    /// <param name="timeProvider">The clock for drain bounds and durations. Defaults to the system clock.</param>
    /// <param name="meterFactory">Creates the <c>TcpRelay</c> meter. Null: a meter of the server's own.</param>
    public RelayServer(
        ILoggerFactory loggerFactory,
        IEnumerable<ITargetDialerFactory> dialerFactories,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(dialerFactories);
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("TcpRelay.Server");
        _dialerFactories = [.. dialerFactories];
        _time = timeProvider ?? TimeProvider.System;
        _metrics = new RelayMetrics(meterFactory);
    }

    /// <summary>
    /// Completes when the server has nothing more to do by itself: every route accepts a single
    /// connection (socat without <c>fork</c>) and those have ended, or the server was stopped.
    /// </summary>
    public Task Completion => _completion.Task;

    /// <summary>
    /// The routes of the configuration in force, including those a reload could not start
    /// (not listening, with <see cref="RouteStatus.Problem"/> saying why).
    /// </summary>
    public IReadOnlyList<RouteStatus> Routes => [.. _routes.Select(r => r.GetStatus()), .. _notRunning];

    /// <summary>The connections being relayed now, over all routes, removed ones still draining included.</summary>
    public IReadOnlyList<ConnectionStatus> Connections =>
        [.. _routes.Concat(_draining.Keys).SelectMany(r => r.GetConnections())];

    /// <summary>The configuration last started or applied; null before <see cref="StartAsync"/>.</summary>
    public RelayConfig? Config => Volatile.Read(ref _config);

    internal RelayMetrics Metrics => _metrics;

    /// <summary>
    /// Binds every route and starts accepting. When any route cannot start, none is left
    /// running and <see cref="RelayStartException"/> lists every failure.
    /// </summary>
    public async Task StartAsync(RelayConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        FileDescriptorLimit.Check(config, _logger);
        await DescriptorReserve.StartRuntimeThreadsAsync();

        // Set once: a reload that changes maxConnections takes effect at the next restart.
        _globalLimit = config.MaxConnections is int max ? new ConnectionCounter(max) : null;
        var runners = new List<RouteRunner>();
        var failures = new List<string>();
        foreach (RouteConfig route in config.Routes.Values)
        {
            (RouteRunner? runner, string? failure) = TryCreate(route);
            if (runner is not null)
            {
                runners.Add(runner);
            }
            else
            {
                failures.Add($"route {route.Name}: {failure}");
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
        Volatile.Write(ref _config, config);
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
    /// Puts a new configuration in force route by route, diffed by name against the running
    /// one: added routes bind and start; removed routes stop accepting while their connections
    /// drain for up to the new <see cref="RelayConfig.DrainTimeout"/>; a changed target or
    /// connection option applies to new connections only; a changed listen endpoint is bound
    /// before the old one closes; unchanged routes are not touched. A route that cannot bind
    /// fails alone and is tried again by the next call. Calls are serialized.
    /// </summary>
    public async Task<ReloadResult> ApplyAsync(RelayConfig next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        await _changing.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _stopped) != 0, this);
            var outcomes = new List<RouteOutcome>();
            var running = _routes.ToDictionary(r => r.Name, StringComparer.Ordinal);

            // Removals first, so that a port a removed route held is free for the new ones.
            foreach (RouteRunner runner in _routes.Where(r => !next.Routes.ContainsKey(r.Name)))
            {
                await RemoveAsync(runner, next.DrainTimeout);
                outcomes.Add(new RouteOutcome(runner.Name, RouteChange.Removed));
            }

            var kept = new List<RouteRunner>();
            var notRunning = new List<RouteStatus>();
            foreach (RouteConfig route in next.Routes.Values)
            {
                if (running.TryGetValue(route.Name, out RouteRunner? runner))
                {
                    kept.Add(runner);
                    outcomes.Add(await ChangeAsync(runner, route));
                }
                else
                {
                    outcomes.Add(Add(route, kept, notRunning));
                }
            }

            _routes = kept;
            _notRunning = notRunning;
            Volatile.Write(ref _config, next);
            ServerLog.Applied(
                _logger, Count(RouteChange.Added), Count(RouteChange.Changed), Count(RouteChange.Removed),
                Count(RouteChange.Unchanged), Count(RouteChange.Failed));
            return new ReloadResult(outcomes);

            int Count(RouteChange change) => outcomes.Count(o => o.Change == change);
        }
        finally
        {
            _changing.Release();
        }
    }

    /// <summary>
    /// Stops accepting on every route, lets live connections finish for up to
    /// <paramref name="drainTimeout"/>, then aborts the rest and logs the counts.
    /// </summary>
    public async Task StopAsync(TimeSpan drainTimeout, CancellationToken cancellationToken)
    {
        await _changing.WaitAsync(CancellationToken.None);
        try
        {
            if (Interlocked.Exchange(ref _stopped, 1) != 0)
            {
                return;
            }
        }
        finally
        {
            _changing.Release();
        }

        IReadOnlyList<RouteRunner> routes = [.. _routes, .. _draining.Keys];
        foreach (RouteRunner route in routes)
        {
            await route.StopAcceptingAsync();
        }

        int active = routes.Sum(r => r.ActiveConnections);
        ServerLog.Draining(_logger, drainTimeout.TotalSeconds, active);
        await WaitForConnectionsAsync(routes, drainTimeout, cancellationToken);
        int aborted = routes.Sum(r => r.ActiveConnections);
        foreach (RouteRunner route in routes)
        {
            route.AbortConnections();
        }

        // Aborted sessions end within moments; give them that so their end lines are logged.
        await WaitForConnectionsAsync(routes, DrainPoll * 40, CancellationToken.None);
        foreach (RouteRunner route in routes)
        {
            await route.RetireDialerAsync();
        }

        ServerLog.Stopped(_logger, active - aborted, aborted);
        _metrics.Dispose();
        _completion.TrySetResult();
    }

    /// <summary>Stops with no drain.</summary>
    public async ValueTask DisposeAsync() => await StopAsync(TimeSpan.Zero, CancellationToken.None);

    private RouteOutcome Add(RouteConfig route, List<RouteRunner> kept, List<RouteStatus> notRunning)
    {
        (RouteRunner? runner, string? failure) = TryCreate(route);
        if (runner is null)
        {
            ServerLog.RouteFailed(_logger, route.Name, failure!, "the route is not running");
            notRunning.Add(new RouteStatus(route.Name, null, route.Target.Describe(), 0, 0)
            {
                Problem = $"not running: {failure}",
            });
            return new RouteOutcome(route.Name, RouteChange.Failed, failure);
        }

        runner.Start(announce: false);
        ServerLog.RouteAdded(_logger, route.Name, runner.LocalEndPoint, runner.Dialer.CurrentTarget);
        kept.Add(runner);
        return new RouteOutcome(route.Name, RouteChange.Added);
    }

    private async Task<RouteOutcome> ChangeAsync(RouteRunner runner, RouteConfig next)
    {
        RouteConfig current = runner.Config;
        bool listenChanged = !ConfigEquality.AreEqual(current.Listen, next.Listen);
        bool restChanged = !ConfigEquality.AreEqual(current with { Listen = next.Listen }, next);
        if (!listenChanged && !restChanged)
        {
            ServerLog.RouteUnchanged(_logger, next.Name);
            return new RouteOutcome(next.Name, RouteChange.Unchanged);
        }

        string changes = RouteDifference.Describe(current, next);
        ITargetDialer? dialer = null;
        if (restChanged && (dialer = CreateDialer(next)) is null)
        {
            string failure = NoDialer(next);
            ServerLog.RouteFailed(_logger, next.Name, failure, "the route keeps its previous configuration");
            return new RouteOutcome(next.Name, RouteChange.Failed, failure);
        }

        string? bindFailure = listenChanged ? await runner.RebindAsync(next.Listen) : null;
        if (dialer is not null)
        {
            runner.Retarget(next, dialer);
        }

        if (bindFailure is not null)
        {
            string consequence = restChanged
                ? $"still listening on {current.Listen.EndPoint}; the other changes are in force"
                : $"still listening on {current.Listen.EndPoint}";
            ServerLog.RouteFailed(_logger, next.Name, bindFailure, consequence);
            return new RouteOutcome(next.Name, RouteChange.Failed, bindFailure);
        }

        ServerLog.RouteChanged(_logger, next.Name, changes, runner.ActiveConnections);
        return new RouteOutcome(next.Name, RouteChange.Changed, changes);
    }

    private async Task RemoveAsync(RouteRunner runner, TimeSpan drainTimeout)
    {
        await runner.StopAcceptingAsync();
        ServerLog.RouteRemoved(_logger, runner.Name, runner.ActiveConnections, drainTimeout.TotalSeconds);
        _draining[runner] = 0;
        _ = DrainRemovedAsync(runner, drainTimeout);
    }

    private async Task DrainRemovedAsync(RouteRunner runner, TimeSpan drainTimeout)
    {
        int active = runner.ActiveConnections;
        await WaitForConnectionsAsync([runner], drainTimeout, CancellationToken.None);
        int aborted = runner.ActiveConnections;
        runner.AbortConnections();
        await WaitForConnectionsAsync([runner], DrainPoll * 40, CancellationToken.None);
        await runner.RetireDialerAsync();
        _draining.TryRemove(runner, out _);
        ServerLog.RouteDrained(_logger, runner.Name, active - aborted, aborted);
    }

    private async Task WaitForConnectionsAsync(
        IReadOnlyList<RouteRunner> routes, TimeSpan bound, CancellationToken cancellationToken)
    {
        long deadline = _time.GetTimestamp() + (long)(bound.TotalSeconds * _time.TimestampFrequency);
        while (routes.Sum(r => r.ActiveConnections) > 0 && _time.GetTimestamp() < deadline
            && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(DrainPoll, _time, CancellationToken.None);
        }
    }

    private ITargetDialer? CreateDialer(RouteConfig route)
    {
        foreach (ITargetDialerFactory factory in _dialerFactories)
        {
            ITargetDialer? dialer = factory.TryCreate(route);
            if (dialer is not null)
            {
                return dialer;
            }
        }

        return null;
    }

    private static string NoDialer(RouteConfig route) =>
        $"no dialer for target {route.Target.Describe()} in this build";

    private (RouteRunner? Runner, string? Failure) TryCreate(RouteConfig route)
    {
        ITargetDialer? dialer = CreateDialer(route);
        if (dialer is null)
        {
            return (null, NoDialer(route));
        }

        ILogger logger = _loggerFactory.CreateLogger("TcpRelay.Route");
        var runner = new RouteRunner(route, dialer, logger, _time, _metrics, _globalLimit);
        try
        {
            runner.Bind();
            return (runner, null);
        }
        catch (SocketException e)
        {
            _ = runner.DisposeAsync().AsTask();
            return (null, $"cannot listen on {route.Listen.EndPoint}: {e.Message}");
        }
    }
}
