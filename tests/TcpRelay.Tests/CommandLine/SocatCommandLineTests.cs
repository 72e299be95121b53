using System.Net;
using System.Net.Sockets;
using TcpRelay.Configuration;

namespace TcpRelay.CommandLine;

public sealed class SocatCommandLineTests
{
    [Fact]
    public void StoryLineBecomesOneForkingRoute()
    {
        SocatInvocation invocation = Parse("TCP4-LISTEN:9000,fork,reuseaddr", "TCP4:172.20.0.10:8080");

        RouteConfig route = Assert.Single(invocation.Config.Routes).Value;
        Assert.Equal(SocatCommandLine.RouteName, route.Name);
        Assert.Equal(
            new ListenConfig { EndPoint = new IPEndPoint(IPAddress.Any, 9000), Fork = true, ReuseAddress = true },
            route.Listen);
        Assert.Equal(
            new AddressTarget { Host = "172.20.0.10", Port = 8080, Family = AddressFamily.InterNetwork },
            route.Target);
        Assert.Equal(new ConnectionOptions(), route.Connection);
        Assert.Equal(0, invocation.Verbosity);
        Assert.Null(invocation.Config.StatusSocket);
    }

    [Fact]
    public void WithoutForkOneConnectionIsRelayed()
    {
        RouteConfig route = Route("TCP-LISTEN:9000", "TCP:127.0.0.1:80");

        Assert.False(route.Listen.Fork);
    }

    [Theory]
    [InlineData("TCP-LISTEN:9000", "0.0.0.0")]
    [InlineData("TCP-L:9000", "0.0.0.0")]
    [InlineData("TCP4-LISTEN:9000", "0.0.0.0")]
    [InlineData("TCP4-L:9000", "0.0.0.0")]
    [InlineData("TCP6-LISTEN:9000", "::")]
    [InlineData("TCP6-L:9000", "::")]
    [InlineData("tcp4-listen:9000", "0.0.0.0")]
    [InlineData("TCP-LISTEN:9000,bind=127.0.0.2", "127.0.0.2")]
    [InlineData("TCP-LISTEN:9000,bind=[::1]", "::1")]
    [InlineData("TCP6-LISTEN:9000,bind=::1", "::1")]
    public void ListenAddressTypesListenWhereSocatDoes(string address, string expected)
    {
        RouteConfig route = Route(address, "TCP:127.0.0.1:80");

        Assert.Equal(new IPEndPoint(IPAddress.Parse(expected), 9000), route.Listen.EndPoint);
    }

    [Fact]
    public void EveryListenOptionIsApplied()
    {
        RouteConfig route = Route(
            "TCP6-LISTEN:9000,FORK,ReuseAddr=0,reuseport,ipv6only,backlog=128,max-children=10,"
            + "range=192.168.7.9:255.255.0.0,keepalive,nodelay=0",
            "TCP:127.0.0.1:80");

        Assert.Equal(
            new ListenConfig
            {
                EndPoint = new IPEndPoint(IPAddress.IPv6Any, 9000),
                Fork = true,
                ReuseAddress = false,
                ReusePort = true,
                IPv6Only = true,
                Backlog = 128,
            },
            route.Listen);
        Assert.Equal(10, route.Admission.MaxConnections);
        Assert.Equal([IPNetwork.Parse("192.168.0.0/16")], route.Admission.Allow);
        Assert.Equal(new KeepAliveOptions(), route.Connection.KeepAlive);
        Assert.False(route.Connection.NoDelay);
    }

    [Theory]
    [InlineData("range=10.0.0.0/8", "10.0.0.0/8")]
    [InlineData("range=10.1.2.3/8", "10.0.0.0/8")]
    [InlineData("range=10.0.0.0:255.0.0.0", "10.0.0.0/8")]
    [InlineData("range=[::1]/128", "::1/128")]
    [InlineData("range=127.0.0.1", "127.0.0.1/32")]
    public void RangeIsReadAsSocatReadsIt(string option, string network)
    {
        RouteConfig route = Route($"TCP6-LISTEN:9000,{option}", "TCP:127.0.0.1:80");

        Assert.Equal([IPNetwork.Parse(network)], route.Admission.Allow);
    }

    [Fact]
    public void EveryConnectOptionIsApplied()
    {
        RouteConfig route = Route(
            "TCP-LISTEN:9000",
            "tcp4:127.0.0.1:80,connect-timeout=2.5,bind=127.0.0.2,sourceport=4001,keepalive,nodelay");

        Assert.Equal(
            new AddressTarget
            {
                Host = "127.0.0.1", Port = 80, Family = AddressFamily.InterNetwork,
                BindAddress = IPAddress.Parse("127.0.0.2"), SourcePort = 4001,
            },
            route.Target);
        Assert.Equal(TimeSpan.FromSeconds(2.5), route.Connection.ConnectTimeout);
        Assert.NotNull(route.Connection.KeepAlive);
        Assert.True(route.Connection.NoDelay);
    }

    [Theory]
    [InlineData("TCP:127.0.0.1:80", "127.0.0.1", null)]
    [InlineData("TCP:localhost:80", "localhost", null)]
    [InlineData("TCP6:[::1]:80", "::1", AddressFamily.InterNetworkV6)]
    [InlineData("TCP4:127.0.0.1:80,bind=127.0.0.3:5000", "127.0.0.1", AddressFamily.InterNetwork)]
    public void ConnectAddressesNameHostAndFamily(string address, string host, AddressFamily? family)
    {
        var target = Assert.IsType<AddressTarget>(Route("TCP-LISTEN:9000", address).Target);

        Assert.Equal(host, target.Host);
        Assert.Equal(80, target.Port);
        Assert.Equal(family, target.Family);
    }

    [Fact]
    public void BindWithPortOnConnectSetsTheSourcePort()
    {
        RouteConfig route = Route("TCP-LISTEN:9000", "TCP:127.0.0.1:80,bind=127.0.0.3:5000");
        var target = Assert.IsType<AddressTarget>(route.Target);

        Assert.Equal(IPAddress.Parse("127.0.0.3"), target.BindAddress);
        Assert.Equal(5000, target.SourcePort);
    }

    [Theory]
    [InlineData("-d", 1)]
    [InlineData("-d -d", 2)]
    [InlineData("-dd", 2)]
    [InlineData("-d -dd", 3)]
    public void DebugOptionCountsVerbosity(string options, int verbosity)
    {
        SocatInvocation invocation = Parse([.. options.Split(' '), "TCP-LISTEN:9000", "TCP:127.0.0.1:80"]);

        Assert.Equal(verbosity, invocation.Verbosity);
    }

    [Theory]
    [InlineData("-t 0.5")]
    [InlineData("-t0.5")]
    public void HalfCloseTimeoutComesFromLowerT(string options)
    {
        RouteConfig route =
            Assert.Single(Parse([.. options.Split(' '), "TCP-LISTEN:9000", "TCP:127.0.0.1:80"]).Config.Routes).Value;

        Assert.Equal(TimeSpan.FromMilliseconds(500), route.Connection.HalfCloseTimeout);
        Assert.Null(route.Connection.IdleTimeout);
    }

    [Fact]
    public void IdleTimeoutComesFromUpperT()
    {
        RouteConfig route =
            Assert.Single(Parse("-T", "60", "TCP-LISTEN:9000", "TCP:127.0.0.1:80").Config.Routes).Value;

        Assert.Equal(TimeSpan.FromSeconds(60), route.Connection.IdleTimeout);
    }

    [Fact]
    public void DockerAddressBecomesAContainerTarget()
    {
        RouteConfig route = Route("TCP-LISTEN:9000,fork", "DOCKER:erpnext-frontend:8080,network=erp,via=namespace");

        Assert.Equal(
            new ContainerTarget
            {
                Container = "erpnext-frontend", Port = 8080, Network = "erp", Via = TargetVia.Namespace,
            },
            route.Target);
    }

    [Fact]
    public void NetnsAddressBecomesANamespaceTarget()
    {
        RouteConfig route =
            Route("TCP-LISTEN:9000,fork", "netns:/var/run/netns/app:127.0.0.1:8080,connect-timeout=1");

        Assert.Equal(
            new NamespaceTarget { Netns = "/var/run/netns/app", Host = "127.0.0.1", Port = 8080 }, route.Target);
        Assert.Equal(TimeSpan.FromSeconds(1), route.Connection.ConnectTimeout);
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("--help")]
    public void HelpReturnsNothingToRun(string option) => Assert.Null(SocatCommandLine.Parse([option]));

    private static SocatInvocation Parse(params string[] args) =>
        SocatCommandLine.Parse(args) ?? throw new InvalidOperationException("help was returned");

    private static RouteConfig Route(string listen, string connect) =>
        Assert.Single(Parse(listen, connect).Config.Routes).Value;
}
