using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TcpRelay.Admission;
using TcpRelay.Configuration;
using TcpRelay.Listening;
using TcpRelay.Relaying;
using TcpRelay.Targets;

namespace TcpRelay.Serving;

/// <summary>
/// One running route: its listener, its dialer and its live connections. Each accepted
/// connection goes through the pipeline in <see cref="HandleAsync"/>: admission, dial, relay,
/// one end-of-connection log line.
/// </summary>
internal sealed class RouteRunner : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RelayOptions _relayOptions;
    private readonly RouteListener _listener;
    private readonly RouteAdmission _admission;
    private readonly ConcurrentDictionary<long, LiveConnection> _connections = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly TaskCompletionSource _singleConnectionDone =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId;
    private long _total;
    private int _dialFailing;

    public RouteRunner(
        RouteConfig config, ITargetDialer dialer, ILogger logger, TimeProvider time, ConnectionCounter? globalLimit = null)
    {
        Config = config;
        Dialer = dialer;
        _logger = logger;
        _time = time;
        _relayOptions = new RelayOptions
        {
            MaxBufferedBytes = config.Connection.MaxBufferedBytes,
            IdleTimeout = config.Connection.IdleTimeout,
            HalfCloseTimeout = config.Connection.HalfCloseTimeout,
        };
        _listener = new RouteListener(config.Name, config.Listen, logger, time);
        _admission = new RouteAdmission(config, globalLimit, logger, time);
    }

    public RouteConfig Config { get; }

    public ITargetDialer Dialer { get; }

    public int ActiveConnections => _connections.Count;

    /// <summary>Completes when a single-connection route (no fork) has relayed its connection.</summary>
    public Task SingleConnectionDone => _singleConnectionDone.Task;

    public IPEndPoint? LocalEndPoint => _listener.LocalEndPoint;

    public void Bind() => _listener.Bind();

    public void Start()
    {
        _listener.Start(OnAccepted);
        ServerLog.RouteStarted(_logger, Config.Name, _listener.LocalEndPoint, Dialer.CurrentTarget);
    }

    public RouteStatus GetStatus() =>
        new(Config.Name, _listener.LocalEndPoint, Dialer.CurrentTarget, _connections.Count,
            Interlocked.Read(ref _total));

    public IEnumerable<ConnectionStatus> GetConnections()
    {
        foreach (LiveConnection connection in _connections.Values)
        {
            RelaySession? session = connection.Session;
            yield return new ConnectionStatus(
                Config.Name,
                connection.Client?.ToString() ?? "?",
                connection.Target ?? Dialer.CurrentTarget,
                connection.StartedAt,
                session?.BytesFromClient ?? 0,
                session?.BytesFromTarget ?? 0);
        }
    }

    /// <summary>Stops accepting; live connections go on.</summary>
    public async ValueTask StopAcceptingAsync()
    {
        IPEndPoint? endPoint = _listener.LocalEndPoint;
        await _listener.DisposeAsync();
        _admission.Dispose();
        ServerLog.RouteStopped(_logger, Config.Name, endPoint);
    }

    /// <summary>Aborts every live connection with <see cref="EndReason.Shutdown"/>.</summary>
    public void AbortConnections() => _abort.Cancel();

    public async ValueTask DisposeAsync()
    {
        await StopAcceptingAsync();
        AbortConnections();
        await Dialer.DisposeAsync();
    }

    private void OnAccepted(Socket client)
    {
        Interlocked.Increment(ref _total);
        _ = HandleAsync(client);
    }

    private async Task HandleAsync(Socket client)
    {
        long id = Interlocked.Increment(ref _nextId);
        var connection = new LiveConnection(
            id, client.RemoteEndPoint as IPEndPoint, _time.GetUtcNow(), _time.GetTimestamp());
        _connections[id] = connection;
        EndReason reason = EndReason.None;
        try
        {
            reason = await RelayAsync(client, connection);
        }
        catch (Exception e)
        {
            // Nothing here is expected to throw; a bug must not take the accept loop down.
            ServerLog.HandlerFailed(_logger, Config.Name, e);
            client.Dispose();
        }
        finally
        {
            _connections.TryRemove(id, out _);
            RelaySession? session = connection.Session;
            ServerLog.ConnectionEnded(
                _logger, Config.Name, connection.Client, connection.Target ?? Dialer.CurrentTarget, reason,
                session?.BytesFromClient ?? 0, session?.BytesFromTarget ?? 0,
                (long)_time.GetElapsedTime(connection.StartTimestamp).TotalMilliseconds);
            if (!Config.Listen.Fork)
            {
                _singleConnectionDone.TrySetResult();
            }
        }
    }

    private async Task<EndReason> RelayAsync(Socket client, LiveConnection connection)
    {
        CancellationToken aborting = _abort.Token;
        AdmissionOutcome admission = await _admission.AdmitAsync(client, aborting);
        if (!admission.Admitted)
        {
            return aborting.IsCancellationRequested ? EndReason.Shutdown : EndReason.Rejected;
        }

        using AdmissionLease lease = admission.Lease;
        connection.Client = admission.Client;
        Socket target;
        try
        {
            SocketTuning.Apply(client, Config.Connection);
            target = await Dialer.ConnectAsync(aborting);
        }
        catch (TargetDialException e)
        {
            OnDialFailed(e);
            Reset(client);
            return e.Failure switch
            {
                DialFailure.Refused => EndReason.TargetRefused,
                DialFailure.TimedOut => EndReason.ConnectTimeout,
                _ => EndReason.TargetUnavailable,
            };
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            Reset(client);
            return aborting.IsCancellationRequested ? EndReason.Shutdown : EndReason.ClientReset;
        }

        if (Interlocked.Exchange(ref _dialFailing, 0) != 0)
        {
            ServerLog.TargetRecovered(_logger, Config.Name, Dialer.CurrentTarget);
        }

        connection.TargetSocket = target;
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            // The end-of-connection line names it, and the socket is closed by then.
            _ = connection.Target;
        }

        try
        {
            await ProxyHeaderWriter.SendAsync(
                target, Config.Admission.SendProxy, admission.Client, admission.Destination, aborting);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            Reset(client);
            target.Dispose();
            return aborting.IsCancellationRequested ? EndReason.Shutdown : EndReason.TargetReset;
        }

        var session = new RelaySession(client, target, _relayOptions, _time);
        connection.Session = session;
        return await session.RunAsync(aborting);
    }

    private void OnDialFailed(TargetDialException e)
    {
        if (Interlocked.Exchange(ref _dialFailing, 1) == 0)
        {
            ServerLog.TargetFailing(_logger, Config.Name, Dialer.CurrentTarget, e.Message);
        }
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The client is gone already.
        }

        socket.Dispose();
    }
}
