using System.Net;
using System.Net.Sockets;

namespace TcpRelay.Configuration;

public sealed class ConfigLoaderTests
{
    [Fact]
    public void MinimalRouteGetsEveryDefault()
    {
        RelayConfig config = ConfigLoader.Parse("""
            { "routes": { "erpnext": { "listen": "0.0.0.0:9000", "target": { "address": "172.20.0.10:8080" } } } }
            """);

        RouteConfig route = Assert.Single(config.Routes).Value;
        Assert.Equal("erpnext", route.Name);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 9000), route.Listen.EndPoint);
        Assert.Equal(new ListenConfig { EndPoint = route.Listen.EndPoint }, route.Listen);
        Assert.Equal(new AddressTarget { Host = "172.20.0.10", Port = 8080 }, route.Target);
        Assert.Equal(new ConnectionOptions(), route.Connection);
        Assert.Equal(new AdmissionConfig(), route.Admission);
        Assert.Equal(TimeSpan.FromSeconds(30), config.DrainTimeout);
        Assert.Null(config.Metrics);
        Assert.Null(config.MaxConnections);
    }

    [Fact]
    public void EveryRouteFieldIsRead()
    {
        RelayConfig config = ConfigLoader.Parse("""
            {
              "routes": {
                "full": {
                  "listen": "[::]:9000", "backlog": 1024, "reuseAddress": false, "reusePort": true, "ipv6Only": true,
                  "target": { "address": "[fd00::10]:8080", "bind": "::1", "sourcePort": 40000 },
                  "connectTimeout": "250ms", "idleTimeout": "2m", "halfCloseTimeout": 30, "maxBufferedBytes": 65536,
                  "dataPath": "pipelines", "noDelay": false, "keepAlive": { "time": "30s", "interval": "5s", "count": 3 },
                  "allow": ["10.0.0.0/8", "192.168.1.7"], "deny": ["10.1.0.0/16"],
                  "maxConnections": 100, "maxConnectionsPerClient": 10, "newConnectionsPerSecondPerClient": 2.5,
                  "sendProxy": "v2", "acceptProxy": { "from": ["127.0.0.1"], "timeout": "1s" }
                }
              }
            }
            """);

        RouteConfig route = config.Routes["full"];
        Assert.Equal(
            new ListenConfig
            {
                EndPoint = new IPEndPoint(IPAddress.IPv6Any, 9000),
                Backlog = 1024,
                ReuseAddress = false,
                ReusePort = true,
                IPv6Only = true,
            },
            route.Listen);
        Assert.Equal(
            new AddressTarget
            {
                Host = "fd00::10", Port = 8080, BindAddress = IPAddress.IPv6Loopback, SourcePort = 40000,
            },
            route.Target);
        Assert.Equal(
            new ConnectionOptions
            {
                ConnectTimeout = TimeSpan.FromMilliseconds(250),
                IdleTimeout = TimeSpan.FromMinutes(2),
                HalfCloseTimeout = TimeSpan.FromSeconds(30),
                MaxBufferedBytes = 65536,
                DataPath = DataPath.Pipelines,
                NoDelay = false,
                KeepAlive = new KeepAliveOptions
                {
                    Time = TimeSpan.FromSeconds(30), Interval = TimeSpan.FromSeconds(5), Count = 3,
                },
            },
            route.Connection);
        AdmissionConfig admission = route.Admission;
        Assert.Equal([IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("192.168.1.7/32")], admission.Allow);
        Assert.Equal([IPNetwork.Parse("10.1.0.0/16")], admission.Deny);
        Assert.Equal(100, admission.MaxConnections);
        Assert.Equal(10, admission.MaxConnectionsPerClient);
        Assert.Equal(2.5, admission.NewConnectionsPerSecondPerClient);
        Assert.Equal(ProxyProtocolVersion.V2, admission.SendProxy);
        Assert.Equal([IPNetwork.Parse("127.0.0.1/32")], admission.AcceptProxy!.From);
        Assert.Equal(TimeSpan.FromSeconds(1), admission.AcceptProxy.Timeout);
    }

    [Fact]
    public void TopLevelFieldsAreRead()
    {
        RelayConfig config = ConfigLoader.Parse("""
            {
              "routes": { "a": { "listen": ":9000", "target": { "address": "localhost:80" } } },
              "docker": { "host": "unix:///run/docker.sock" },
              "metrics": { "listen": "127.0.0.1:9464" },
              "statusSocket": "/run/x/status.sock",
              "maxConnections": 5000,
              "drainTimeout": "1h"
            }
            """);

        Assert.Equal(new Uri("unix:///run/docker.sock"), config.Docker.Host);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 9464), config.Metrics!.Listen);
        Assert.Equal("/run/x/status.sock", config.StatusSocket);
        Assert.Equal(5000, config.MaxConnections);
        Assert.Equal(TimeSpan.FromHours(1), config.DrainTimeout);
    }

    [Fact]
    public void ColonPortListensOnIPv6AnyDualStack()
    {
        RelayConfig config = ConfigLoader.Parse("""
            { "routes": { "a": { "listen": ":9000", "target": { "address": "127.0.0.1:80" } } } }
            """);

        ListenConfig listen = config.Routes["a"].Listen;
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Any, 9000), listen.EndPoint);
        Assert.False(listen.IPv6Only);
    }

    [Fact]
    public void ContainerTargetReadsEveryField()
    {
        RelayConfig config = ConfigLoader.Parse("""
            { "routes": { "a": { "listen": "127.0.0.1:9000", "target": {
                "container": "erpnext-frontend", "port": 8080, "network": "erp", "via": "namespace",
                "holdTime": "3s", "requireHealthy": false, "host": "127.0.0.2" } } } }
            """);

        Assert.Equal(
            new ContainerTarget
            {
                Container = "erpnext-frontend", Port = 8080, Network = "erp", Via = TargetVia.Namespace,
                HoldTime = TimeSpan.FromSeconds(3), RequireHealthy = false, NamespaceHost = "127.0.0.2",
            },
            config.Routes["a"].Target);
    }

    [Fact]
    public void NamespaceTargetReadsEveryField()
    {
        RelayConfig config = ConfigLoader.Parse("""
            { "routes": { "a": { "listen": "127.0.0.1:9000",
                "target": { "netns": "/var/run/netns/app", "host": "10.1.1.1", "port": 80 } } } }
            """);

        Assert.Equal(
            new NamespaceTarget { Netns = "/var/run/netns/app", Host = "10.1.1.1", Port = 80 },
            config.Routes["a"].Target);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void KeepAliveTakesABoolean(string json, bool on)
    {
        RelayConfig config = ConfigLoader.Parse($$"""
            { "routes": { "a": { "listen": "127.0.0.1:9000", "target": { "address": "127.0.0.1:80" },
                "keepAlive": {{json}} } } }
            """);

        Assert.Equal(on ? new KeepAliveOptions() : null, config.Routes["a"].Connection.KeepAlive);
    }

    [Fact]
    public void NullStatusSocketSwitchesItOffAndNullIdleTimeoutMeansNone()
    {
        RelayConfig config = ConfigLoader.Parse("""
            { "routes": { "a": { "listen": "127.0.0.1:9000", "target": { "address": "127.0.0.1:80" },
              "idleTimeout": null, "sendProxy": null } }, "statusSocket": null }
            """);

        Assert.Null(config.StatusSocket);
        Assert.Null(config.Routes["a"].Connection.IdleTimeout);
        Assert.Equal(ProxyProtocolVersion.None, config.Routes["a"].Admission.SendProxy);
    }

    [Fact]
    public void CommentsAndTrailingCommasAreAllowed()
    {
        RelayConfig config = ConfigLoader.Parse("""
            {
              // the story's route
              "routes": { "a": { "listen": "127.0.0.1:9000", "target": { "address": "127.0.0.1:80" }, }, },
            }
            """);

        Assert.Single(config.Routes);
    }

    [Fact]
    public void ShippedRelayJsonIsValid()
    {
        string path = Path.Combine(Repository.Root, "relay.json");

        RelayConfig config = ConfigLoader.Load(path);

        Assert.Equal(new IPEndPoint(IPAddress.Any, 9000), config.Routes["erpnext"].Listen.EndPoint);
        Assert.Equal(8080, config.Routes["erpnext"].Target.Port);
        Assert.Equal(AddressFamily.InterNetwork, config.Routes["demo"].Listen.EndPoint.AddressFamily);
        Assert.True(IPAddress.IsLoopback(config.Routes["demo"].Listen.EndPoint.Address));
    }
}
