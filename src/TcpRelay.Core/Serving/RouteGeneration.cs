using TcpRelay.Admission;
using TcpRelay.Configuration;
using TcpRelay.Relaying;
using TcpRelay.Targets;

namespace TcpRelay.Serving;

/// <summary>
/// The settings a route's new connections are made with: its configuration, admission, dialer
/// and relay options. A reload that changes the target, admission or connection options
/// installs a new generation; connections keep the one they were accepted under, and a replaced
/// generation is disposed once the last of them has ended. Admission counts (per-client and
/// route limits) pass from a generation to the next while the new configuration keeps the
/// limit, so connections of both generations count against the new limits.
/// </summary>
internal sealed class RouteGeneration
{
    private int _users;
    private bool _retired;
    private bool _disposed;

    public RouteGeneration(RouteConfig config, ITargetDialer dialer, RouteAdmission admission)
    {
        Config = config;
        Dialer = dialer;
        Admission = admission;
        RelayOptions = new RelayOptions
        {
            MaxBufferedBytes = config.Connection.MaxBufferedBytes,
            IdleTimeout = config.Connection.IdleTimeout,
            HalfCloseTimeout = config.Connection.HalfCloseTimeout,
        };
        if (admission.PassesThrough && config.Connection.DataPath == DataPath.Splice && dialer is IDirectDialer direct)
        {
            LoopDial = direct.Direct;
        }
    }

    public RouteConfig Config { get; }

    public ITargetDialer Dialer { get; }

    public RouteAdmission Admission { get; }

    public RelayOptions RelayOptions { get; }

    /// <summary>
    /// The target a splice loop dials itself for a connection it accepted, when nothing about
    /// the route needs more: admission passes everything through, the data path is splice and
    /// the target is an address. Null otherwise.
    /// </summary>
    public DirectTarget? LoopDial { get; }

    /// <summary>Called under the route's lock while this generation is current.</summary>
    public void AddUser() => _users++;

    /// <summary>Called under the route's lock. True when the dialer is now to be disposed.</summary>
    public bool RemoveUser()
    {
        _users--;
        return TakeDisposal();
    }

    /// <summary>Called under the route's lock. True when the dialer is now to be disposed.</summary>
    public bool Retire()
    {
        _retired = true;
        return TakeDisposal();
    }

    private bool TakeDisposal()
    {
        if (!_retired || _users > 0 || _disposed)
        {
            return false;
        }

        _disposed = true;
        return true;
    }
}
