using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TcpRelay.Admission;
using TcpRelay.Configuration;
using TcpRelay.Diagnostics;
using TcpRelay.Listening;
using TcpRelay.Relaying;
using TcpRelay.Relaying.Splicing;
using TcpRelay.Targets;

namespace TcpRelay.Serving;

/// <summary>
/// One running route: its listener, its current <see cref="RouteGeneration"/> and its live
/// connections. Each accepted connection goes through admission, dial and relay, and ends in
/// <see cref="Finish"/> with one end-of-connection log line. When the target's address is known
/// at once, the dial and the relay run on a splice loop with no task per connection; otherwise
/// the dialer is awaited first. A reload swaps the generation (new
/// connections only) or the listener (bound before the old one closes) without touching the
/// connections already relayed.
/// </summary>
internal sealed class RouteRunner : IAsyncDisposable, ISpliceObserver
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
        _generation = NewGeneration(config, dialer, previous: null);
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

    public void Bind() => _listener.Bind(InheritedNoDelay);

    public void Start(bool announce = true)
    {
        _listener.Start(OnAccepted, OnAcceptedOnLoop);
        if (announce)
        {
            ServerLog.RouteStarted(_logger, Name, _listener.LocalEndPoint, Dialer.CurrentTarget);
        }

        if (Volatile.Read(ref _generation).Config.Connection.DataPath == DataPath.Splice && SpliceEngine.Unavailable is { } reason)
        {
            ServerLog.SpliceUnavailable(_logger, Name, reason);
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
            RelayTraffic? session = connection.Traffic;
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
            RouteGeneration next = NewGeneration(applied, dialer, old);
            if (next.Admission.StartsCounting)
            {
                // Every live connection is listed by now (Open lists under this lock), and none
                // of them was admitted by the new generation: each takes its place in the
                // limits this reload added, so they hold from the first new connection.
                foreach (LiveConnection connection in _connections.Values)
                {
                    if (next.Admission.CountLive(connection.Client?.Address) is { } count)
                    {
                        connection.Carry(count);
                    }
                }
            }

            Volatile.Write(ref _generation, next);
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
            next.Bind(InheritedNoDelay);
        }
        catch (SocketException e)
        {
            await next.DisposeAsync();
            string problem = $"cannot listen on {listen.EndPoint}: {e.Message}";
            string fallback = sameEndPoint ? await RestoreAsync(current) : $"still listening on {old.LocalEndPoint}";
            Volatile.Write(ref _listenProblem, $"{problem}; {fallback}");
            return problem;
        }

        next.Start(OnAccepted, OnAcceptedOnLoop);
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
            restored.Bind(InheritedNoDelay);
        }
        catch (SocketException e)
        {
            await restored.DisposeAsync();
            return $"and cannot listen on {previous.EndPoint} again either ({e.Message}): not listening";
        }

        restored.Start(OnAccepted, OnAcceptedOnLoop);
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
    public void AbortConnections()
    {
        _abort.Cancel();
        Interlocked.MemoryBarrier();
        foreach (LiveConnection connection in _connections.Values)
        {
            (connection.Traffic as SplicedConnection)?.Abort(EndReason.Shutdown);
        }
    }

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

    /// <summary>TCP_NODELAY for listening sockets, so accepted ones have the route's setting already.</summary>
    private bool InheritedNoDelay => Volatile.Read(ref _generation).Config.Connection.NoDelay;

    private void OnAccepted(Socket client, bool noDelay) => Continue(client, Open(client.RemoteEndPoint as IPEndPoint, noDelay));

    /// <summary>
    /// On a splice loop's thread: a connection that loop accepted. The common route (nothing to
    /// check or count, no PROXY header, a target address known now) is dialed and relayed right
    /// there; any other gets a managed socket and goes the way of <see cref="OnAccepted"/>.
    /// </summary>
    private void OnAcceptedOnLoop(SpliceLoop loop, int fd, ReadOnlySpan<byte> peer, bool noDelay)
    {
        LiveConnection connection = Open(SockAddr.ToEndPoint(peer), noDelay);
        RouteGeneration generation = connection.Generation;
        if (generation.LoopDial is { } direct)
        {
            connection.DialStarted = _time.GetTimestamp();
            SpliceLoop relaying = SpliceEngine.Balance(loop);
            Start(connection, new SplicedConnection(relaying, fd, noDelay, direct, generation.RelayOptions, _time, this));
            return;
        }

        Socket client;
        try
        {
            // Blocking as the runtime's own accepted sockets are; async calls are unaffected.
            client = new Socket(new SafeSocketHandle(fd, ownsHandle: true)) { Blocking = true };
        }
        catch (SocketException)
        {
            // The client left already: the descriptor no longer answers as a socket.
            _ = Native.Close(fd);
            Finish(connection, EndReason.ClientReset);
            return;
        }

        Continue(client, connection);
    }

    /// <summary>Counts and lists a just-accepted connection under the route's current generation.</summary>
    private LiveConnection Open(IPEndPoint? client, bool noDelay)
    {
        Interlocked.Increment(ref _total);
        long id = Interlocked.Increment(ref _nextId);
        LiveConnection connection;
        lock (_gate)
        {
            // Listed under the lock that a reload takes to count the live connections in limits
            // it adds: each connection is either counted by the reload or admitted by it.
            RouteGeneration generation = _generation;
            generation.AddUser();
            connection = new LiveConnection(id, client, _time.GetUtcNow(), _time.GetTimestamp(), generation)
            {
                Target = generation.Dialer.CurrentTarget,
                ClientNoDelay = noDelay,
            };
            _connections[id] = connection;
        }

        _metrics.ConnectionOpened(Name);
        return connection;
    }

    /// <summary>Admission, then the dial and the relay, for a connection with a managed socket.</summary>
    private void Continue(Socket client, LiveConnection connection)
    {
        RouteGeneration generation = connection.Generation;
        try
        {
            // Most routes decide admission without waiting, and most targets are known without
            // waiting: such a connection is handed to a splice loop here, with no task at all.
            ValueTask<AdmissionOutcome> admitting = generation.Admission.AdmitAsync(client, _abort.Token);
            if (!admitting.IsCompletedSuccessfully)
            {
                _ = AdmitThenDialAsync(client, connection, admitting);
            }
            else if (Admitted(connection, admitting.Result) && !TryStartDirect(client, connection))
            {
                _ = DialAsync(client, connection);
            }
        }
        catch (Exception e)
        {
            // Nothing here is expected to throw; a bug must not take the accept loop down.
            Failed(client, connection, e);
        }
    }

    /// <summary>Records the admission's outcome; a refused connection ends here.</summary>
    private bool Admitted(LiveConnection connection, AdmissionOutcome admission)
    {
        if (!admission.Admitted)
        {
            Finish(connection, _abort.IsCancellationRequested ? EndReason.Shutdown : EndReason.Rejected);
            return false;
        }

        connection.Lease = admission.Lease;
        connection.Client = admission.Client;
        connection.Destination = admission.Destination;
        return true;
    }

    private async Task AdmitThenDialAsync(Socket client, LiveConnection connection, ValueTask<AdmissionOutcome> admitting)
    {
        try
        {
            if (Admitted(connection, await admitting) && !TryStartDirect(client, connection))
            {
                await DialAsync(client, connection);
            }
        }
        catch (Exception e)
        {
            Failed(client, connection, e);
        }
    }

    private void Failed(Socket client, LiveConnection connection, Exception e)
    {
        ServerLog.HandlerFailed(_logger, Name, e);
        client.Dispose();
        if (connection.Traffic is not SplicedConnection)
        {
            Finish(connection, EndReason.None);
        }
    }

    /// <summary>
    /// Starts the connect and the relay on a splice loop when the target's address is known
    /// now; false when the dialer has to be asked (or the splice engine is off).
    /// </summary>
    private bool TryStartDirect(Socket client, LiveConnection connection)
    {
        RouteGeneration generation = connection.Generation;
        if (generation.Dialer is not IDirectDialer { Direct: { } direct } || SpliceLoopFor(generation) is not { } loop)
        {
            return false;
        }

        try
        {
            SocketTuning.Apply(client, generation.Config.Connection, connection.ClientNoDelay);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            SocketReset.Close(client);
            Finish(connection, EndReason.ClientReset);
            return true;
        }

        byte[]? preamble = null;
        if (generation.Config.Admission.SendProxy is not ProxyProtocolVersion.None and var version)
        {
            Span<byte> header = stackalloc byte[ProxyHeaderWriter.MaxLength];
            preamble = header[..ProxyHeaderWriter.Write(version, connection.Client, connection.Destination, header)].ToArray();
        }

        connection.DialStarted = _time.GetTimestamp();
        Start(connection, new SplicedConnection(loop, client, direct, preamble, generation.RelayOptions, _time, this));
        return true;
    }

    private void Start(LiveConnection connection, SplicedConnection spliced)
    {
        spliced.State = connection;
        connection.Traffic = spliced;
        _traffic.Track(spliced);

        // Pairs with AbortConnections: either it sees this connection, or this sees the abort.
        Interlocked.MemoryBarrier();
        if (_abort.IsCancellationRequested)
        {
            spliced.Abort(EndReason.Shutdown);
        }

        spliced.Start();
    }

    /// <summary>Dials through the dialer, then relays; the end is reported here unless a splice loop took it over.</summary>
    private async Task DialAsync(Socket client, LiveConnection connection)
    {
        EndReason? reason = EndReason.None;
        try
        {
            reason = await DialAndRelayAsync(client, connection);
        }
        catch (Exception e)
        {
            ServerLog.HandlerFailed(_logger, Name, e);
            client.Dispose();
        }
        finally
        {
            if (reason is { } ended)
            {
                Finish(connection, ended);
            }
        }
    }

    /// <summary>Null when the relay was handed to a splice loop, which reports its end.</summary>
    private async Task<EndReason?> DialAndRelayAsync(Socket client, LiveConnection connection)
    {
        CancellationToken aborting = _abort.Token;
        RouteGeneration generation = connection.Generation;
        ITargetDialer dialer = generation.Dialer;
        Socket target;
        long dialStart = _time.GetTimestamp();
        try
        {
            SocketTuning.Apply(client, generation.Config.Connection, connection.ClientNoDelay);
            target = await dialer.ConnectAsync(aborting);
        }
        catch (TargetDialException e)
        {
            OnDialFailed(dialer, e);
            SocketReset.Close(client);
            return DialEnd.Of(e.Failure);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            SocketReset.Close(client);
            return aborting.IsCancellationRequested ? EndReason.Shutdown : EndReason.ClientReset;
        }

        _metrics.Connected(Name, _time.GetElapsedTime(dialStart));
        OnDialSucceeded(dialer);
        connection.TargetSocket = target;
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            // The end-of-connection line names it, and the socket is closed by then.
            connection.ResolveTargetAddress();
        }

        try
        {
            await ProxyHeaderWriter.SendAsync(
                target, generation.Config.Admission.SendProxy, connection.Client, connection.Destination, aborting);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            SocketReset.Close(client);
            target.Dispose();
            return aborting.IsCancellationRequested ? EndReason.Shutdown : EndReason.TargetReset;
        }

        if (SpliceLoopFor(generation) is { } loop)
        {
            Start(connection, new SplicedConnection(loop, client, target, generation.RelayOptions, _time, this));
            return null;
        }

        var session = new RelaySession(client, target, generation.RelayOptions, _time);
        connection.Traffic = session;
        _traffic.Track(session);
        return await session.RunAsync(aborting);
    }

    private static SpliceLoop? SpliceLoopFor(RouteGeneration generation) =>
        generation.Config.Connection.DataPath == DataPath.Splice ? SpliceEngine.NextLoop() : null;

    /// <summary>The end of every connection, whichever way it went: counts, the Debug line, releases.</summary>
    private void Finish(LiveConnection connection, EndReason reason)
    {
        // Closed by now: asking it would throw, once per connection. What the end line
        // shows is the description, or the address captured while Debug is on.
        connection.TargetSocket = null;
        RelayTraffic? traffic = connection.Traffic;
        if (traffic is not null)
        {
            _traffic.Untrack(traffic);
        }

        _metrics.ConnectionClosed(Name);

        // Last of the counting: whoever sees the connection gone from the listing sees its
        // bytes in the route's totals and the active count down already.
        _connections.TryRemove(connection.Id, out _);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            // Checked here so that the arguments cost nothing per connection when Debug is off.
            ServerLog.ConnectionEnded(
                _logger, Name, connection.Client, connection.Target ?? "?", reason,
                traffic?.BytesFromClient ?? 0, traffic?.BytesFromTarget ?? 0,
                (long)_time.GetElapsedTime(connection.StartTimestamp).TotalMilliseconds,
                traffic switch { SplicedConnection => "splice", RelaySession => "pipelines", _ => "none" });
        }

        connection.Lease.Dispose();
        connection.ReleaseCarried();
        Release(connection.Generation);
        if (!Config.Listen.Fork)
        {
            _singleConnectionDone.TrySetResult();
        }
    }

    void ISpliceObserver.OnConnected(SplicedConnection spliced)
    {
        var connection = (LiveConnection)spliced.State!;
        _metrics.Connected(Name, _time.GetElapsedTime(connection.DialStarted));
        OnDialSucceeded(connection.Generation.Dialer);
    }

    void ISpliceObserver.OnDialFailed(SplicedConnection spliced, TargetDialException failure)
    {
        var connection = (LiveConnection)spliced.State!;
        OnDialFailed(connection.Generation.Dialer, failure);
    }

    void ISpliceObserver.OnEnded(SplicedConnection spliced, EndReason reason) =>
        Finish((LiveConnection)spliced.State!, reason);

    private void OnDialSucceeded(ITargetDialer dialer)
    {
        (dialer as IDirectDialer)?.Report(null);
        if (Interlocked.Exchange(ref _dialFailing, 0) != 0)
        {
            ServerLog.TargetRecovered(_logger, Name, dialer.CurrentTarget);
        }
    }

    private void OnDialFailed(ITargetDialer dialer, TargetDialException e)
    {
        _metrics.ConnectFailed(Name, e.Failure);
        if (e.Failure == DialFailure.NoDescriptors)
        {
            // The relay's shortage, not the target's: the listener says so when accepting stops.
            return;
        }

        (dialer as IDirectDialer)?.Report(e.Message);
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

    private RouteGeneration NewGeneration(RouteConfig config, ITargetDialer dialer, RouteGeneration? previous)
    {
        var admission = new RouteAdmission(
            config,
            _globalLimit,
            _logger,
            _time,
            refusal => _metrics.Rejected(Name, RelayMetrics.RefusalTag(refusal)),
            previous?.Admission);
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
