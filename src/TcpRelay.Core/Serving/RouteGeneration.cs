using TcpRelay.Configuration;
using TcpRelay.Relaying;
using TcpRelay.Targets;

namespace TcpRelay.Serving;

/// <summary>
/// The settings a route's new connections are made with: its configuration, dialer and relay
/// options. A reload that changes the target or connection options installs a new generation;
/// connections keep the one they were accepted under, and a replaced generation disposes its
/// dialer once the last of them has ended.
/// </summary>
internal sealed class RouteGeneration
{
    private int _users;
    private bool _retired;
    private bool _disposed;

    public RouteGeneration(RouteConfig config, ITargetDialer dialer)
    {
        Config = config;
        Dialer = dialer;
        RelayOptions = new RelayOptions
        {
            MaxBufferedBytes = config.Connection.MaxBufferedBytes,
            IdleTimeout = config.Connection.IdleTimeout,
            HalfCloseTimeout = config.Connection.HalfCloseTimeout,
        };
    }

    public RouteConfig Config { get; }

    public ITargetDialer Dialer { get; }

    public RelayOptions RelayOptions { get; }

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
