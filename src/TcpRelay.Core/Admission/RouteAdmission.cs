using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TcpRelay.Configuration;
using TcpRelay.Relaying;

namespace TcpRelay.Admission;

/// <summary>
/// Decides, per accepted connection of one route, whether it may go on to the target: address
/// rules, limits, and the PROXY header in. Built once per route configuration; every method is
/// safe to call concurrently.
/// </summary>
/// <remarks>
/// Without <c>acceptProxy</c>, <see cref="TryAdmit"/> does everything with the peer's address.
/// With it, the peer is a load balancer: <see cref="TryAdmit"/> checks only that the peer may
/// send a header and takes the route and global counts (so connections waiting for a header are
/// limited too); once the header names the real client, <see cref="TryAdmitClient"/> applies
/// the allow/deny lists and per-client limits to that client.
/// </remarks>
internal sealed class RouteAdmission : IDisposable
{
    private readonly ILogger _logger;
    private readonly AddressRules _rules;
    private readonly ClientTable? _clients;
    private readonly ConnectionCounter? _route;
    private readonly ConnectionCounter? _global;
    private readonly NetworkSet? _proxySources;
    private readonly RefusalSummary _summary;
    private readonly Action<Refusal>? _onRefused;
    private readonly bool _startsRouteCount;
    private readonly bool _startsClientCount;

    /// <summary>
    /// Admission for <paramref name="route"/>. On a reload, <paramref name="previous"/> is the
    /// admission this one replaces: the route's live count and the per-client table carry over
    /// while the new configuration still limits them, so the limits go on counting connections
    /// accepted before the reload.
    /// </summary>
    public RouteAdmission(
        RouteConfig route,
        ConnectionCounter? global,
        ILogger logger,
        TimeProvider? time = null,
        Action<Refusal>? onRefused = null,
        RouteAdmission? previous = null)
    {
        _onRefused = onRefused;
        time ??= TimeProvider.System;
        AdmissionConfig config = route.Admission;
        Route = route.Name;
        Config = config;
        _logger = logger;
        _rules = new AddressRules(config.Allow, config.Deny);
        if (config.MaxConnections is int max)
        {
            _route = previous?._route;
            if (_route is null)
            {
                _route = new ConnectionCounter(max);
                _startsRouteCount = previous is not null;
            }
            else
            {
                _route.Maximum = max;
            }
        }

        _global = global;
        if (config.MaxConnectionsPerClient is not null || config.NewConnectionsPerSecondPerClient is > 0)
        {
            _clients = previous?._clients;
            if (_clients is null)
            {
                _clients = new ClientTable(config.MaxConnectionsPerClient, config.NewConnectionsPerSecondPerClient, time);
                _startsClientCount = previous is not null;
            }
            else
            {
                _clients.Reconfigure(config.MaxConnectionsPerClient, config.NewConnectionsPerSecondPerClient);
            }
        }

        _proxySources = config.AcceptProxy is { } acceptProxy ? new NetworkSet(acceptProxy.From) : null;
        _summary = new RefusalSummary(route.Name, logger, time);
        PassesThrough = _rules.IsOpen && _clients is null && _route is null && _global is null
            && _proxySources is null && config.SendProxy == ProxyProtocolVersion.None;
    }

    public string Route { get; }

    /// <summary>
    /// True when nothing is checked, counted, read or written (no PROXY header either way), so
    /// <see cref="AdmitAsync"/> only passes connections through.
    /// </summary>
    public bool PassesThrough { get; }

    public AdmissionConfig Config { get; }

    /// <summary>Live connections counted against the route's own limit (0 without a limit).</summary>
    public int LiveConnections => _route?.Count ?? 0;

    /// <summary>
    /// True when this admission, made by a reload, starts a count the one it replaces did not
    /// keep: a route maximum or per-client limits that the reload added. The connections
    /// accepted before the reload are then counted in it with <see cref="CountLive"/>, so the
    /// new limit holds at once.
    /// </summary>
    public bool StartsCounting => _startsRouteCount || _startsClientCount;

    /// <summary>
    /// Counts a connection accepted before this admission took over, from
    /// <paramref name="client"/>, in the counts this admission starts, whatever their maximum;
    /// null when it starts none. The caller gives the result back when the connection ends.
    /// </summary>
    public CarriedCount? CountLive(IPAddress? client)
    {
        ConnectionCounter? route = _startsRouteCount ? _route : null;
        route?.Add();
        ClientState? state = _startsClientCount && client is not null ? _clients!.Add(client) : null;
        return route is null && state is null ? null : new CarriedCount(route, state);
    }

    public long RefusedTotal(Refusal refusal) => _summary.Total(refusal);

    /// <summary>
    /// The whole admission step for a just-accepted connection, before any dial: address rules
    /// and limits, and with <c>acceptProxy</c> the header and the checks on the client it names.
    /// A refused connection is counted, logged and reset here.
    /// </summary>
    public async ValueTask<AdmissionOutcome> AdmitAsync(Socket socket, CancellationToken cancellationToken)
    {
        var peer = socket.RemoteEndPoint as IPEndPoint;
        if (PassesThrough)
        {
            return new AdmissionOutcome(true, default, peer, null);
        }

        if (peer is null)
        {
            // The client left between accept and here; nothing to check it against.
            SocketReset.Close(socket);
            return default;
        }

        Refusal refusal = TryAdmit(peer.Address, out AdmissionLease lease);
        if (refusal != Refusal.None)
        {
            Refuse(socket, peer, refusal);
            return default;
        }

        IPEndPoint client = peer;
        IPEndPoint? destination = null;
        if (_proxySources is not null)
        {
            ProxyReadResult header;
            try
            {
                header = await ReadProxyHeaderAsync(socket, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The route is stopping; the caller sees its own token cancelled.
                lease.Dispose();
                SocketReset.Close(socket);
                return default;
            }

            refusal = header.Refusal;
            if (refusal == Refusal.None && header.Header.Source is { } original)
            {
                client = original;
                destination = header.Header.Destination;
            }

            if (refusal == Refusal.None)
            {
                refusal = TryAdmitClient(client.Address, ref lease);
            }

            if (refusal != Refusal.None)
            {
                lease.Dispose();
                Refuse(socket, client, refusal);
                return default;
            }
        }

        if (Config.SendProxy != ProxyProtocolVersion.None)
        {
            destination ??= socket.LocalEndPoint as IPEndPoint;
        }

        return new AdmissionOutcome(true, lease, client, destination);
    }

    /// <summary>
    /// The first check, on the peer address of a just-accepted connection. On
    /// <see cref="Refusal.None"/> the caller owns <paramref name="lease"/> and disposes it when
    /// the connection ends, whatever way it ends.
    /// </summary>
    public Refusal TryAdmit(IPAddress peer, out AdmissionLease lease)
    {
        lease = default;
        ClientState? client = null;
        if (_proxySources is not null)
        {
            if (!_proxySources.Contains(peer))
            {
                return Refusal.ProxySourceNotAllowed;
            }
        }
        else
        {
            Refusal refusal = CheckClient(peer, out client);
            if (refusal != Refusal.None)
            {
                return refusal;
            }
        }

        if (_route is not null && !_route.TryAcquire())
        {
            ReleaseClient(client);
            return Refusal.RouteLimit;
        }

        if (_global is not null && !_global.TryAcquire())
        {
            _route?.Release();
            ReleaseClient(client);
            return Refusal.GlobalLimit;
        }

        if (client is null && _route is null && _global is null)
        {
            return Refusal.None;
        }

        LeaseSlot slot = LeaseSlot.Rent();
        slot.Route = _route;
        slot.Global = _global;
        slot.Client = client;
        lease = new AdmissionLease(slot);
        return Refusal.None;
    }

    /// <summary>
    /// The second check, for a route with <c>acceptProxy</c>, on the client the PROXY header
    /// named. The lease from <see cref="TryAdmit"/> stays the caller's to dispose either way.
    /// </summary>
    public Refusal TryAdmitClient(IPAddress client, ref AdmissionLease lease)
    {
        Refusal refusal = CheckClient(client, out ClientState? held);
        if (refusal != Refusal.None || held is null)
        {
            return refusal;
        }

        LeaseSlot? slot = lease.LiveSlot;
        if (slot is null)
        {
            slot = LeaseSlot.Rent();
            lease = new AdmissionLease(slot);
        }

        slot.Client = held;
        return Refusal.None;
    }

    /// <summary>Waits for the PROXY header on a route with <c>acceptProxy</c> and logs the outcome.</summary>
    public async ValueTask<ProxyReadResult> ReadProxyHeaderAsync(Socket socket, CancellationToken cancellationToken)
    {
        TimeSpan timeout = Config.AcceptProxy?.Timeout ?? TimeSpan.FromSeconds(5);
        ProxyReadResult result = await ProxyHeaderReader.ReadAsync(socket, timeout, cancellationToken);
        if (result.Succeeded)
        {
            AdmissionLog.ProxyHeaderAccepted(_logger, Route, socket.RemoteEndPoint as IPEndPoint, result.Header.Source);
        }
        else
        {
            AdmissionLog.ProxyHeaderRejected(_logger, Route, socket.RemoteEndPoint as IPEndPoint, result.Problem!);
        }

        return result;
    }

    /// <summary>
    /// Counts and logs a refusal, then closes the client's socket with a reset rather than a FIN:
    /// the connection never reached a target, so there is nothing to finish; an abortive close
    /// frees the socket now, leaves no TIME_WAIT entry under a flood of refusals, and the client
    /// sees "connection reset" instead of an empty but seemingly successful answer.
    /// </summary>
    public void Refuse(Socket socket, IPEndPoint? client, Refusal refusal)
    {
        _summary.Record(refusal);
        _onRefused?.Invoke(refusal);
        AdmissionLog.ConnectionRefused(_logger, Route, client, RefusalNames.Describe(refusal));
        SocketReset.Close(socket);
    }

    public void Dispose() => _summary.Dispose();

    private Refusal CheckClient(IPAddress client, out ClientState? held)
    {
        held = null;
        Refusal refusal = _rules.Check(client);
        if (refusal != Refusal.None || _clients is null)
        {
            return refusal;
        }

        return _clients.TryAcquire(client, out held);
    }

    private static void ReleaseClient(ClientState? client)
    {
        if (client is not null)
        {
            ClientTable.Release(client);
        }
    }
}
