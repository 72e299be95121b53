using System.Net;
using TcpRelay.Configuration;
using TcpRelay.Serving;
using TcpRelay.Targets;

namespace TcpRelay.Admission;

/// <summary>A running relay server over loopback routes, with its log kept.</summary>
internal sealed class RelayHarness : IAsyncDisposable
{
    private readonly int? _maxConnections;

    private RelayHarness(RelayServer server, CollectingLoggerFactory logs, int? maxConnections)
    {
        Server = server;
        Logs = logs;
        _maxConnections = maxConnections;
    }

    public RelayServer Server { get; }

    public CollectingLoggerFactory Logs { get; }

    public static RouteConfig Route(string name, int targetPort, AdmissionConfig admission, IPEndPoint? listen = null) =>
        new()
        {
            Name = name,
            Listen = new ListenConfig { EndPoint = listen ?? new IPEndPoint(IPAddress.Loopback, 0) },
            Target = new AddressTarget { Host = "127.0.0.1", Port = targetPort },
            Admission = admission,
        };

    public static async Task<RelayHarness> StartAsync(int? maxConnections, params RouteConfig[] routes)
    {
        var logs = new CollectingLoggerFactory();
        var server = new RelayServer(logs, [new AddressDialerFactory()]);
        var config = new RelayConfig
        {
            Routes = routes.ToDictionary(r => r.Name),
            MaxConnections = maxConnections,
        };
        await server.StartAsync(config, TestContext.Current.CancellationToken);
        return new RelayHarness(server, logs, maxConnections);
    }

    /// <summary>Puts <paramref name="routes"/> in force as a reload of relay.json would.</summary>
    public Task<ReloadResult> ReloadAsync(params RouteConfig[] routes) =>
        Server.ApplyAsync(
            new RelayConfig { Routes = routes.ToDictionary(r => r.Name), MaxConnections = _maxConnections },
            TestContext.Current.CancellationToken);

    public IPEndPoint Listen(string route)
    {
        IPEndPoint listen = Server.Routes.Single(r => r.Name == route).Listen!;
        return listen.Address.Equals(IPAddress.IPv6Any) ? new IPEndPoint(IPAddress.IPv6Loopback, listen.Port)
            : listen.Address.Equals(IPAddress.Any) ? new IPEndPoint(IPAddress.Loopback, listen.Port)
            : listen;
    }

    /// <summary>End-of-connection lines, waiting up to a bound for at least <paramref name="count"/>.</summary>
    public async Task<string[]> EndLinesAsync(int count)
    {
        for (int i = 0; i < 100; i++)
        {
            string[] lines = [.. Logs.Log.Messages("ConnectionEnded")];
            if (lines.Length >= count)
            {
                return lines;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        return [.. Logs.Log.Messages("ConnectionEnded")];
    }

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
