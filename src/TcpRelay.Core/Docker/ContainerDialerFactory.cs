using Microsoft.Extensions.Logging;
using TcpRelay.Configuration;
using TcpRelay.Targets;
using TcpRelay.Targets.Namespaces;

namespace TcpRelay.Docker;

/// <summary>Creates dialers for <see cref="ContainerTarget"/> routes, all sharing one Docker view.</summary>
internal sealed class ContainerDialerFactory : ITargetDialerFactory
{
    private readonly DockerView _view;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly NamespaceSockets _namespaces;

    public ContainerDialerFactory(
        DockerView view,
        ILoggerFactory loggerFactory,
        TimeProvider? timeProvider = null,
        NamespaceSockets? namespaces = null)
    {
        _view = view;
        _namespaces = namespaces ?? NamespaceSockets.Shared;
        _logger = loggerFactory.CreateLogger("TcpRelay.Docker.ContainerDialer");
        _time = timeProvider ?? TimeProvider.System;
    }

    public ITargetDialer? TryCreate(RouteConfig route) =>
        route.Target is ContainerTarget target
            ? new ContainerDialer(route, target, _view, _namespaces, _logger, _time)
            : null;
}
