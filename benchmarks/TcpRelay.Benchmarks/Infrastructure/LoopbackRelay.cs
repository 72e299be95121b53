using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using TcpRelay.Configuration;
using TcpRelay.Serving;
using TcpRelay.Targets;

namespace TcpRelay.Benchmarks.Infrastructure;

/// <summary>
/// The relay under test, in-process: one route from an ephemeral loopback port to a target,
/// through the same <see cref="RelayServer"/> the executable runs, with logging off.
/// </summary>
internal sealed class LoopbackRelay : IAsyncDisposable
{
    private readonly RelayServer _server;

    private LoopbackRelay(RelayServer server, IPEndPoint endPoint)
    {
        _server = server;
        EndPoint = endPoint;
    }

    /// <summary>Where clients connect to be relayed.</summary>
    public IPEndPoint EndPoint { get; }

    public static Task<LoopbackRelay> StartAsync(IPEndPoint target) =>
        StartAsync(new IPEndPoint(IPAddress.Loopback, 0), target);

    public static async Task<LoopbackRelay> StartAsync(IPEndPoint listen, IPEndPoint target)
    {
        var route = new RouteConfig
        {
            Name = "bench",
            Listen = new ListenConfig { EndPoint = listen },
            Target = new AddressTarget { Host = target.Address.ToString(), Port = target.Port },
        };
        var config = new RelayConfig
        {
            Routes = new Dictionary<string, RouteConfig>(StringComparer.Ordinal) { [route.Name] = route },
            StatusSocket = null,
        };
        var server = new RelayServer(NullLoggerFactory.Instance, [new AddressDialerFactory()]);
        try
        {
            await server.StartAsync(config, CancellationToken.None);
            IPEndPoint bound = server.Routes[0].Listen
                ?? throw new InvalidOperationException("The relay started but reports no endpoint.");
            return new LoopbackRelay(server, bound);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();
}
