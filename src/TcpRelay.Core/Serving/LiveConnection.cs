using System.Net;
using System.Net.Sockets;
using TcpRelay.Admission;
using TcpRelay.Relaying;

namespace TcpRelay.Serving;

/// <summary>What the server knows of one connection while it is alive.</summary>
internal sealed class LiveConnection
{
    /// <summary>The counts reloads started after it was accepted (see <see cref="CarriedCount"/>).</summary>
    private object? _carried;
    private string? _target;
    private bool _targetAsked;

    public LiveConnection(long id, IPEndPoint? client, DateTimeOffset startedAt, long startTimestamp, RouteGeneration generation)
    {
        Generation = generation;
        Id = id;
        Client = client;
        StartedAt = startedAt;
        StartTimestamp = startTimestamp;
    }

    public long Id { get; }

    public IPEndPoint? Client { get; set; }

    public DateTimeOffset StartedAt { get; }

    public long StartTimestamp { get; }

    /// <summary>
    /// The target: the route's description of it until the dial succeeds, then the address
    /// connected to, asked of <see cref="TargetSocket"/> (getpeername) the first time it is
    /// needed, since most connections end without anyone asking. A socket closed before anyone
    /// asked leaves the description.
    /// </summary>
    public string? Target
    {
        get
        {
            ResolveTargetAddress();
            return _target;
        }

        set => _target = value;
    }

    /// <summary>Asks <see cref="TargetSocket"/> for the address connected to, once.</summary>
    public void ResolveTargetAddress()
    {
        if (_targetAsked || TargetSocket is not { } socket)
        {
            return;
        }

        _targetAsked = true;
        try
        {
            _target = socket.RemoteEndPoint?.ToString() ?? _target;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Closed already: the description is what is left to show.
        }
    }

    public Socket? TargetSocket { get; set; }

    /// <summary>The byte counters, once the relay has started.</summary>
    public RelayTraffic? Traffic { get; set; }

    /// <summary>The route settings it was accepted under.</summary>
    public RouteGeneration Generation { get; }

    /// <summary>Its place in the admission counts, given back when it ends.</summary>
    public AdmissionLease Lease { get; set; }

    /// <summary>
    /// Takes <paramref name="count"/>, its place in counts a reload started after it was
    /// accepted. A connection that has ended gives the count straight back.
    /// </summary>
    public void Carry(CarriedCount count) => CarriedCount.Carry(ref _carried, count);

    /// <summary>Gives back what <see cref="Carry"/> took; called once, when the connection ends.</summary>
    public void ReleaseCarried() => CarriedCount.ReleaseAll(ref _carried);

    /// <summary>The original destination a PROXY header named, if one was read.</summary>
    public IPEndPoint? Destination { get; set; }

    /// <summary>When the splice loop's connect to the target began.</summary>
    public long DialStarted { get; set; }

    /// <summary>The TCP_NODELAY the client's socket inherited from the listening socket.</summary>
    public bool ClientNoDelay { get; init; }
}
