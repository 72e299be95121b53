using System.Net;
using System.Net.Sockets;
using TcpRelay.Configuration;

namespace TcpRelay.Targets.Namespaces;

/// <summary>Dials a host and port from inside a named network namespace (not Docker's).</summary>
internal sealed class NamespaceDialer : ITargetDialer
{
    private readonly RouteConfig _route;
    private readonly NamespaceTarget _target;
    private readonly NamespaceSockets _sockets;

    public NamespaceDialer(RouteConfig route, NamespaceTarget target, NamespaceSockets sockets)
    {
        _route = route;
        _target = target;
        _sockets = sockets;
    }

    public string CurrentTarget => _target.Describe();

    public async ValueTask<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        // A name would have to be resolved with the namespace's own resolver configuration.
        if (!IPAddress.TryParse(_target.Host, out IPAddress? address))
        {
            throw new TargetDialException(DialFailure.Unresolved,
                $"a namespace target needs an IP address as host, not '{_target.Host}'");
        }

        var remote = new IPEndPoint(address, _target.Port);
        Socket socket = await _sockets.CreateSocketAsync(_target.Netns, remote.AddressFamily);
        return await TcpConnector.ConnectAsync(socket, remote, _route.Connection, cancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
