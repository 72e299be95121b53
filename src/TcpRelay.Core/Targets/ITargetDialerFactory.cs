using TcpRelay.Configuration;

namespace TcpRelay.Targets;

/// <summary>
/// Turns one kind of <see cref="TargetConfig"/> into a dialer. Each target kind (address,
/// container, namespace) registers one; the server asks each in turn.
/// </summary>
public interface ITargetDialerFactory
{
    /// <summary>Returns a dialer for the route, or null when the route's target is not this factory's kind.</summary>
    ITargetDialer? TryCreate(RouteConfig route);
}
