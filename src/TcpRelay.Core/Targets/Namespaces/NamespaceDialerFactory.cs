using TcpRelay.Configuration;

namespace TcpRelay.Targets.Namespaces;

/// <summary>Creates dialers for <see cref="NamespaceTarget"/> routes.</summary>
internal sealed class NamespaceDialerFactory(NamespaceSockets sockets) : ITargetDialerFactory
{
    public NamespaceDialerFactory()
        : this(NamespaceSockets.Shared)
    {
    }

    public ITargetDialer? TryCreate(RouteConfig route) =>
        route.Target is NamespaceTarget target ? new NamespaceDialer(route, target, sockets) : null;
}
