using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TcpRelay.Admission;
using TcpRelay.Configuration;
using TcpRelay.Diagnostics;
using TcpRelay.Listening;
using TcpRelay.Relaying;
using TcpRelay.Targets;

namespace TcpRelay.Serving;

/// <summary>
/// One running route: its listener, its current <see cref="RouteGeneration"/> and its live
/// connections. Each accepted connection goes through the pipeline in <see cref="HandleAsync"/>:
/// admission, dial, relay, one end-of-connection log line. A reload swaps the generation (new
/// connections only) or the listener (bound before the old one closes) without touching the
/// connections already relayed.
/// </summary>
internal sealed class RouteRunner : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RelayMetrics _metrics;
    private readonly RouteTraffic _traffic;
    private readonly ConnectionCounter? _globalLimit;
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<long, LiveConnection> _connections = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly TaskCompletionSource _singleConnectionDone =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RouteGeneration _generation;
    private RouteConfig _config;
    private RouteListener _listener;
    private string? _listenProblem;
    private long _nextId;
    private long _total;
    private int _dialFailing;
    private int _acceptingStopped;

    public RouteRunner(
        RouteConfig config,
        ITargetDialer dialer,
        ILogger logger,
        TimeProvider time,
        RelayMetrics metrics,
        ConnectionCounter? globalLimit = null)
    {
        Name = config.Name;
        _config = config;
        _logger = logger;
        _time = time;
        _metrics = metrics;
        _traffic = metrics.Traffic(config.Name);
        _globalLimit = globalLimit;
        _generation = NewGeneration(config, dialer);
        _listener = new RouteListener(config.Name, config.Listen, logger, time);
    }

    public string Name { get; }

    /// <summary>The configuration in force: what a reload diffs against.</summary>
    public RouteConfig Config => Volatile.Read(ref _config);

    public ITargetDialer Dialer => Volatile.Read(ref _generation).Dialer;

    public int ActiveConnections => _connections.Count;

    /// <summary>Completes when a single-connection route (no fork) has relayed its connection.</summary>
    public Task SingleConnectionDone => _singleConnectionDone.Task;

    public IPEndPoint? LocalEndPoint => Volatile.Read(ref _acceptingStopped) == 0 ? _listener.LocalEndPoint : null;

    public void Bind() => _listener.Bind();

    public void Start(bool announce = true)
    {
        _listener.Start(OnAccepted);
        if (announce)
        {
            ServerLog.RouteStarted(_logger, Name, _listener.LocalEndPoint, Dialer.CurrentTarget);
        }
    }

    public RouteStatus GetStatus()
    {
        ITargetDialer dialer = Dialer;
        IPEndPoint? listening = LocalEndPoint;
        string? problem = Volatile.Read(ref _listenProblem);
        if (problem is null && listening is null)
        {
            problem = "not listening";
        }

        if (problem is null && dialer is ITargetHealth { IsResolved: false } health)
        {
            problem = health.Problem ?? "target not resolved";
        }

        return new RouteStatus(Name, listening, dialer.CurrentTarget, _connections.Count, Interlocked.Read(ref _total))
        {
            Problem = problem,
        };
    }

    public IEnumerable<ConnectionStatus> GetConnections()
    {
        foreach (LiveConnection connection in _connections.Values)
        {
            RelaySession? session = connection.Session;
            yield return new ConnectionStatus(
                Name,
                connection.Client?.ToString() ?? "?",
                connection.Target ?? "?",
                connection.StartedAt,
                session?.BytesFromClient ?? 0,
                session?.BytesFromTarget ?? 0);
        }
    }

    /// <summary>
    /// New connections use <paramref name="config"/> (all but its listen part) and
    /// <paramref name="dialer"/>; live ones keep what they were accepted with.
    /// </summary>
    public void Retarget(RouteConfig config, ITargetDialer dialer)
    {
        RouteGeneration old;
        bool disposeOld;
        lock (_gate)
        {
            old = _generation;
            RouteConfig applied = config with { Listen = _config.Listen };
            Volatile.Write(ref _generation, NewGeneration(applied, dialer));
            Volatile.Write(ref _config, applied);
            disposeOld = old.Retire();
        }

        if (disposeOld)
        {
            _ = DisposeGenerationAsync(old);
        }
    }

    /// <summary>
    /// Moves the route to a new listen endpoint or listen options. A different endpoint is bound
    /// before the old one closes, so a failure leaves the route listening where it was. The same
    /// endpoint with other options can only be closed and bound again; if that fails the old
    /// options are bound back. Returns null on success, else why it failed.
    /// </summary>
    public async Task<string?> RebindAsync(ListenConfig listen)
    {
        RouteListener old = _listener;
        ListenConfig current = Config.Listen;
        bool sameEndPoint = listen.EndPoint.Equals(current.EndPoint) && listen.EndPoint.Port != 0;
        if (sameEndPoint)
        {
            await old.DisposeAsync();
        }

        var next = new RouteListener(Name, listen, _logger, _time);
        try
        {
            next.Bind();
        }
        catch (SocketException e)
        {
            await next.DisposeAsync();
            string problem = $"cannot listen on {listen.EndPoint}: {e.Message}";
            string fallback = sameEndPoint ? await RestoreAsync(current) : $"still listening on {old.LocalEndPoint}";
            Volatile.Write(ref _listenProblem, $"{problem}; {fallback}");
            return problem;
        }

        next.Start(OnAccepted);
        _listener = next;
        lock (_gate)
        {
            Volatile.Write(ref _config, _config with { Listen = listen });
        }

        Volatile.Write(ref _listenProblem, null);
        if (!sameEndPoint)
        {
            await old.DisposeAsync();
        }

        return null;
    }

    private async Task<string> RestoreAsync(ListenConfig previous)
    {
        var restored = new RouteListener(Name, previous, _logger, _time);
        try
        {
            restored.Bind();
        }
        catch (SocketException e)
        {
            await restored.DisposeAsync();
            return $"and cannot listen on {previous.EndPoint} again either ({e.Message}): not listening";
        }

        restored.Start(OnAccepted);
        _listener = restored;
        return $"still listening on {previous.EndPoint} with the previous options";
    }

    /// <summary>Stops accepting; live connections go on.</summary>
    public async ValueTask StopAcceptingAsync()
    {
        if (Interlocked.Exchange(ref _acceptingStopped, 1) != 0)
        {
            return;
        }

        IPEndPoint? endPoint = _listener.LocalEndPoint;
        await _listener.DisposeAsync();
        if (endPoint is not null)
        {
            // A route whose bind failed never listened; its failure is logged already.
            ServerLog.RouteStopped(_logger, Name, endPoint);
        }
    }

    /// <summary>Aborts every live connection with <see cref="EndReason.Shutdown"/>.</summary>
    public void AbortConnections() => _abort.Cancel();

    /// <summary>Disposes the current dialer and admission state once no connection uses them any more.</summary>
    public async ValueTask RetireDialerAsync()
    {
        RouteGeneration generation;
        bool dispose;
        lock (_gate)
        {
            generation = _generation;
            dispose = generation.Retire();
        }

        if (dispose)
        {
            await DisposeGenerationAsync(generation);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAcceptingAsync();
        AbortConnections();
        await RetireDialerAsync();
    }

    private void OnAccepted(Socket client)
    {
        Interlocked.Increment(ref _total);
        _ = HandleAsync(client);
    }

    private async Task HandleAsync(Socket client)
    {
        RouteGeneration generation;
        lock (_gate)
        {
            generation = _generation;
            generation.AddUser();
        }

        long id = Interlocked.Increment(ref _nextId);
        var connection = new LiveConnection(
            id, client.RemoteEndPoint as IPEndPoint, _time.GetUtcNow(), _time.GetTimestamp())
        {
            Target = generation.Dialer.CurrentTarget,
        };
        _connections[id] = connection;
        _metrics.ConnectionOpened(Name);
        EndReason reason = EndReason.None;
        try
        {
            reason = await RelayAsync(client, connection, generation);
        }
        catch (Exception e)
        {
            // Nothing here is expected to throw; a bug must not take the accept loop down.
            ServerLog.HandlerFailed(_logger, Name, e);
            client.Dispose();
        }
        finally
        {
            _connections.TryRemove(id, out _);

            // Closed by now: asking it would throw, once per connection. What the end line
            // shows is the description, or the address captured while Debug is on.
            connection.TargetSocket = null;
            RelaySession? session = connection.Session;
            if (session is not null)
            {
                _traffic.Untrack(session);
            }

            _metrics.ConnectionClosed(Name);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                // Checked here so that the arguments cost nothing per connection when Debug is off.
                ServerLog.ConnectionEnded(
                    _logger, Name, connection.Client, connection.Target ?? "?", reason,
                    session?.BytesFromClient ?? 0, session?.BytesFromTarget ?? 0,
                    (long)_time.GetElapsedTime(connection.StartTimestamp).TotalMilliseconds);
            }
            Release(generation);
            if (!Config.Listen.Fork)
            {
                _singleConnectionDone.TrySetResult();
            }
        }
    }

    private async Task<EndReason> RelayAsync(Socket client, LiveConnection connection, RouteGeneration generation)
    {
        CancellationToken aborting = _abort.Token;
        ITargetDialer dialer = generation.Dialer;
        AdmissionOutcome admission = await generation.Admission.AdmitAsync(client, aborting);
        if (!admission.Admitted)
        {
            return aborting.IsCancellationRequested ? EndReason.Shutdown : EndReason.Rejected;
        }

        using AdmissionLease lease = admission.Lease;
        connection.Client = admission.Client;
        Socket target;
        long dialStart = _time.GetTimestamp();
        try
        {
            SocketTuning.Apply(client, generation.Config.Connection);
            target = await dialer.ConnectAsync(aborting);
        }
        catch (TargetDialException e)
        {
            OnDialFailed(dialer, e);
            SocketReset.Close(client);
            return e.Failure switch
            {
                DialFailure.Refused => EndReason.TargetRefused,
                DialFailure.TimedOut => EndReason.ConnectTimeout,
                _ => EndReason.TargetUnavailable,
            };
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            SocketReset.Close(client);
            return aborting.IsCancellationRequested ? EndReason.Shutdown : EndReason.ClientReset;
        }

        _metrics.Connected(Name, _time.GetElapsedTime(dialStart));
        if (Interlocked.Exchange(ref _dialFailing, 0) != 0)
        {
            ServerLog.TargetRecovered(_logger, Name, dialer.CurrentTarget);
        }

        connection.TargetSocket = target;
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            // The end-of-connection line names it, and the socket is closed by then.
            connection.ResolveTargetAddress();
        }

        try
        {
            await ProxyHeaderWriter.SendAsync(
                target, generation.Config.Admission.SendProxy, admission.Client, admission.Destination, aborting);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            SocketReset.Close(client);
            target.Dispose();
            return aborting.IsCancellationRequested ? EndReason.Shutdown : EndReason.TargetReset;
        }

        var session = new RelaySession(client, target, generation.RelayOptions, _time);
        connection.Session = session;
        _traffic.Track(session);
        return await session.RunAsync(aborting);
    }

    private void OnDialFailed(ITargetDialer dialer, TargetDialException e)
    {
        _metrics.ConnectFailed(Name, e.Failure);
        if (Interlocked.Exchange(ref _dialFailing, 1) == 0)
        {
            ServerLog.TargetFailing(_logger, Name, dialer.CurrentTarget, e.Message);
        }
    }

    private void Release(RouteGeneration generation)
    {
        bool dispose;
        lock (_gate)
        {
            dispose = generation.RemoveUser();
        }

        if (dispose)
        {
            _ = DisposeGenerationAsync(generation);
        }
    }

    private RouteGeneration NewGeneration(RouteConfig config, ITargetDialer dialer)
    {
        var admission = new RouteAdmission(
            config, _globalLimit, _logger, _time, refusal => _metrics.Rejected(Name, RelayMetrics.RefusalTag(refusal)));
        return new RouteGeneration(config, dialer, admission);
    }

    private async Task DisposeGenerationAsync(RouteGeneration generation)
    {
        generation.Admission.Dispose();
        try
        {
            await generation.Dialer.DisposeAsync();
        }
        catch (Exception e)
        {
            // A dialer that fails to clean up must not disturb the route's other connections.
            ServerLog.DialerDisposeFailed(_logger, Name, e);
        }
    }
}
