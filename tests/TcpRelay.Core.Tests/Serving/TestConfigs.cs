using System.Net;
using TcpRelay.Configuration;

namespace TcpRelay.Serving;

/// <summary>Builds configurations for in-process server tests, as the loader would.</summary>
internal static class TestConfigs
{
    public static RouteConfig Route(string name, int listenPort, int targetPort) => new()
    {
        Name = name,
        Listen = new ListenConfig { EndPoint = new IPEndPoint(IPAddress.Loopback, listenPort) },
        Target = new AddressTarget { Host = "127.0.0.1", Port = targetPort },
    };

    public static RelayConfig Config(params RouteConfig[] routes) => new()
    {
        Routes = routes.ToDictionary(r => r.Name, StringComparer.Ordinal),
        DrainTimeout = TimeSpan.FromSeconds(30),
    };

    public static int FreePort() => LoopbackPorts.Free();
}
