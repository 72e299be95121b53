using TcpRelay.Configuration;

namespace TcpRelay.Targets;

/// <summary>Creates dialers for <see cref="AddressTarget"/> routes.</summary>
public sealed class AddressDialerFactory : ITargetDialerFactory
{
    /// <inheritdoc/>
    public ITargetDialer? TryCreate(RouteConfig route)
    {
        ArgumentNullException.ThrowIfNull(route);
        return route.Target is AddressTarget target ? new AddressDialer(target, route.Connection) : null;
    }
}
