using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using TcpRelay.Configuration;
using TcpRelay.Serving;
using TcpRelay.Targets;

namespace TcpRelay.Docker;

/// <summary>
/// The story's second failure: the relay's namespace has no route to the container's network.
/// Each test makes its network's subnet unreachable here (two unreachable /25 routes, more
/// specific than the bridge's /24), so only the namespace path can reach the container.
/// </summary>
[Collection(DockerEngineTests.Name)]
public sealed class ContainerNamespaceTests : IAsyncLifetime
{
    private readonly ContainerTestbed _bed;
    private readonly LogRecorder _log;
    private readonly TestbedDocker _docker;
    private readonly List<string> _routes = [];

    public ContainerNamespaceTests(ITestOutputHelper output)
    {
        _bed = new ContainerTestbed(output);
        _log = _bed.Log;
        _docker = _bed.Docker;
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (string route in _routes)
        {
            await Processes.RunAsync("ip", "route", "del", "unreachable", route);
        }

        await _bed.DisposeAsync();
    }

    [Fact]
    public async Task BridgeFailsClearlyWhenThisNamespaceHasNoRouteToTheContainer()
    {
        (string web, _) = await StartUnroutableEchoAsync("v1");
        ContainerTarget target = Echo(web, TargetVia.Bridge);
        ITargetDialer dialer = await _bed.DialerAsync(target);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<TargetDialException>(() => dialer.ConnectAsync(Cancel).AsTask());

        Assert.Equal(DialFailure.Unreachable, error.Failure);
        Assert.Contains("No route to host", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData(TargetVia.Namespace)]
    [InlineData(TargetVia.Auto)]
    public async Task RelayReachesUnroutableContainerThroughItsNamespaceWithIntegrity(TargetVia via)
    {
        (string web, _) = await StartUnroutableEchoAsync("inside");
        RelayServer relay = await _bed.RelayAsync(Echo(web, via));

        using Socket client = await ContainerTestbed.ConnectClientAsync(relay);

        Assert.Equal("inside", await Wire.ReadLineAsync(client));
        byte[] sent = RandomNumberGenerator.GetBytes(1024 * 1024);
        byte[] received = await Wire.EchoAsync(client, sent);
        Assert.Equal(SHA256.HashData(sent), SHA256.HashData(received));
        if (via == TargetVia.Auto)
        {
            string choice = Assert.Single(_log.Messages(3022));
            Assert.Contains("via namespace (no route to", choice, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AutoUsesTheBridgeWhileThereIsARoute()
    {
        string network = await _docker.CreateNetworkAsync();
        string web = TestbedDocker.UniqueName("web");
        await _docker.StartEchoAsync(web, network, "routed");
        IPAddress address = await _docker.AddressAsync(web, network);
        RelayServer relay = await _bed.RelayAsync(
            new ContainerTarget { Container = web, Port = TestbedDocker.EchoPort, Via = TargetVia.Auto });

        using Socket client = await ContainerTestbed.ConnectClientAsync(relay);

        Assert.Equal("routed", await Wire.ReadLineAsync(client));
        Assert.Equal(
            new IPEndPoint(address, TestbedDocker.EchoPort).ToString(), Assert.Single(relay.Connections).Target);
        Assert.Contains($"via bridge to {address}", Assert.Single(_log.Messages(3022)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamespacePathFollowsARecreatedContainer()
    {
        (string web, string network) = await StartUnroutableEchoAsync("v1");
        RelayServer relay = await _bed.RelayAsync(
            new ContainerTarget { Container = web, Port = TestbedDocker.EchoPort, Via = TargetVia.Namespace });
        using (Socket first = await ContainerTestbed.ConnectClientAsync(relay))
        {
            Assert.Equal("v1", await Wire.ReadLineAsync(first));
        }

        await _docker.RunAsync("rm", "-f", web);
        using Socket second = await ContainerTestbed.ConnectClientAsync(relay);
        Task<string> greeting = Wire.ReadLineAsync(second, TimeSpan.FromSeconds(10));
        await _docker.StartEchoAsync(web, network, "v2");
        var sinceStart = Stopwatch.StartNew();

        Assert.Equal("v2", await greeting);
        TimeSpan elapsed = sinceStart.Elapsed;
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"reached the new container {elapsed} after its start");
    }

    private static ContainerTarget Echo(string container, TargetVia via) =>
        new() { Container = container, Port = TestbedDocker.EchoPort, Via = via };

    private async Task<(string Container, string Network)> StartUnroutableEchoAsync(string id)
    {
        string network = await _docker.CreateNetworkAsync();
        System.Net.IPNetwork subnet = await _docker.SubnetAsync(network);
        Assert.Equal(24, subnet.PrefixLength);
        byte[] upper = subnet.BaseAddress.GetAddressBytes();
        upper[3] = 128;
        foreach (string half in new[] { $"{subnet.BaseAddress}/25", $"{new IPAddress(upper)}/25" })
        {
            await Processes.RunAsync("ip", "route", "add", "unreachable", half);
            _routes.Add(half);
        }

        string web = TestbedDocker.UniqueName("web");
        await _docker.StartEchoAsync(web, network, id);
        return (web, network);
    }
}
