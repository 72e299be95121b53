using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using TcpRelay.Configuration;
using TcpRelay.Serving;
using TcpRelay.Targets;

namespace TcpRelay.Docker;

[Collection(DockerEngineTests.Name)]
public sealed class ContainerDialerTests : IAsyncLifetime
{
    private readonly ContainerTestbed _bed;
    private readonly LogRecorder _log;
    private readonly TestbedDocker _docker;

    public ContainerDialerTests(ITestOutputHelper output)
    {
        _bed = new ContainerTestbed(output);
        _log = _bed.Log;
        _docker = _bed.Docker;
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task RelayResolvesContainerByNameAndBytesArriveIntact()
    {
        string network = await _docker.CreateNetworkAsync();
        string web = TestbedDocker.UniqueName("web");
        await _docker.StartEchoAsync(web, network, "v1");
        RelayServer relay = await _bed.RelayAsync(Echo(web));

        using Socket socket = await ContainerTestbed.ConnectClientAsync(relay);

        Assert.Equal("v1", await Wire.ReadLineAsync(socket));
        Assert.Equal(
            new IPEndPoint(await _docker.AddressAsync(web, network), TestbedDocker.EchoPort).ToString(),
            Assert.Single(relay.Connections).Target);
        byte[] sent = RandomNumberGenerator.GetBytes(1024 * 1024);
        byte[] received = await Wire.EchoAsync(socket, sent);
        Assert.Equal(SHA256.HashData(sent), SHA256.HashData(received));
    }

    [Fact]
    public async Task ContainerIsResolvedByShortId()
    {
        string network = await _docker.CreateNetworkAsync();
        string web = TestbedDocker.UniqueName("web");
        string id = await _docker.StartEchoAsync(web, network, "by-id");
        ITargetDialer dialer = await _bed.DialerAsync(
            new ContainerTarget { Container = id[..12], Port = TestbedDocker.EchoPort });

        using Socket socket = await dialer.ConnectAsync(Cancel);

        Assert.Equal("by-id", await Wire.ReadLineAsync(socket));
    }

    [Fact]
    public async Task RecreatedContainerWithNewAddressIsReachedWithinOneSecondOfItsStart()
    {
        string network = await _docker.CreateNetworkAsync();
        string web = TestbedDocker.UniqueName("web");
        await _docker.StartEchoAsync(web, network, "v1");
        IPAddress oldAddress = await _docker.AddressAsync(web, network);
        RelayServer relay = await _bed.RelayAsync(Echo(web));
        using (Socket first = await ContainerTestbed.ConnectClientAsync(relay))
        {
            Assert.Equal("v1", await Wire.ReadLineAsync(first));
        }

        await _docker.RunAsync("rm", "-f", web);
        string blocker = TestbedDocker.UniqueName("blocker");
        await _docker.StartBlockerAsync(blocker, network);
        Assert.Equal(oldAddress, await _docker.AddressAsync(blocker, network));
        // A connection that arrives while no container has the name is held, not refused.
        using Socket second = await ContainerTestbed.ConnectClientAsync(relay);
        Task<string> greeting = Wire.ReadLineAsync(second, TimeSpan.FromSeconds(10));
        await _docker.StartEchoAsync(web, network, "v2");
        var sinceStart = Stopwatch.StartNew();
        string id = await greeting;
        TimeSpan elapsed = sinceStart.Elapsed;

        Assert.Equal("v2", id);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"reached the new container {elapsed} after its start");
        IPAddress newAddress = await _docker.AddressAsync(web, network);
        Assert.NotEqual(oldAddress, newAddress);
        Assert.Equal(
            new IPEndPoint(newAddress, TestbedDocker.EchoPort).ToString(),
            Assert.Single(relay.Connections).Target);
        Assert.Equal([$"{web}: {oldAddress} -> {newAddress} (network {network})"], _log.Messages(3010));
    }

    [Fact]
    public async Task StoppedContainerHoldsConnectionsUntilItStartsAgain()
    {
        string network = await _docker.CreateNetworkAsync();
        string web = TestbedDocker.UniqueName("web");
        await _docker.StartEchoAsync(web, network, "v1");
        ITargetDialer dialer = await _bed.DialerAsync(new ContainerTarget
        {
            Container = web,
            Port = TestbedDocker.EchoPort,
            HoldTime = TimeSpan.FromSeconds(8),
        });

        await _docker.RunAsync("stop", "-t", "0", web);
        await WaitForLogAsync(3012, web);
        Task<Socket> held = dialer.ConnectAsync(Cancel).AsTask();
        await Task.Delay(300, Cancel);
        Assert.False(held.IsCompleted, "a connection to a stopped container completed");
        await _docker.RunAsync("start", web);
        using Socket socket = await held.WaitAsync(TimeSpan.FromSeconds(5), Cancel);

        Assert.Equal("v1", await Wire.ReadLineAsync(socket));
    }

    [Fact]
    public async Task RouteHealthFollowsTheContainerState()
    {
        string network = await _docker.CreateNetworkAsync();
        string web = TestbedDocker.UniqueName("web");
        await _docker.StartEchoAsync(web, network, "v1");
        RelayServer relay = await _bed.RelayAsync(Echo(web));
        Assert.Null(Assert.Single(relay.Routes).Problem);

        await _docker.RunAsync("stop", "-t", "0", web);
        await WaitForLogAsync(3012, web);
        string? problem = Assert.Single(relay.Routes).Problem;
        Assert.NotNull(problem);
        Assert.Contains(web, problem, StringComparison.Ordinal);

        await _docker.RunAsync("start", web);
        await Wire.WaitUntilAsync(() => relay.Routes[0].Problem is null);
    }

    [Fact]
    public async Task RenamingFollowsTheNameNotTheContainer()
    {
        string network = await _docker.CreateNetworkAsync();
        string web = TestbedDocker.UniqueName("web");
        string other = TestbedDocker.UniqueName("other");
        await _docker.StartEchoAsync(web, network, "original");
        await _docker.StartEchoAsync(other, network, "renamed-in");
        _docker.Track(web + "-old");
        ITargetDialer dialer = await _bed.DialerAsync(Echo(web));
        using (Socket before = await dialer.ConnectAsync(Cancel))
        {
            Assert.Equal("original", await Wire.ReadLineAsync(before));
        }

        await _docker.RunAsync("rename", web, web + "-old");
        await WaitForLogAsync(3013, web);
        Task<Socket> held = dialer.ConnectAsync(Cancel).AsTask();
        await _docker.RunAsync("rename", other, web);
        using Socket after = await held.WaitAsync(TimeSpan.FromSeconds(2), Cancel);

        Assert.Equal("renamed-in", await Wire.ReadLineAsync(after));
    }

    [Fact]
    public async Task ContainerOnTwoNetworksIsDialledOnTheNamedOne()
    {
        (string web, string front, string back) = await StartOnTwoNetworksAsync();
        IPAddress backAddress = await _docker.AddressAsync(web, back);
        ITargetDialer dialer = await _bed.DialerAsync(
            new ContainerTarget { Container = web, Port = TestbedDocker.EchoPort, Network = back });

        using Socket socket = await dialer.ConnectAsync(Cancel);

        Assert.Equal(backAddress, ((IPEndPoint)socket.RemoteEndPoint!).Address);
        Assert.Equal("two-networks", await Wire.ReadLineAsync(socket));
    }

    [Fact]
    public async Task ContainerOnTwoNetworksWithoutChoiceFailsAtOnceListingTheNetworks()
    {
        (string web, string front, string back) = await StartOnTwoNetworksAsync();
        ITargetDialer dialer = await _bed.DialerAsync(Echo(web));
        await Wire.WaitUntilAsync(() => dialer.CurrentTarget.Contains(back, StringComparison.Ordinal));
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<TargetDialException>(() => dialer.ConnectAsync(Cancel).AsTask());

        Assert.Equal(DialFailure.Unresolved, error.Failure);
        Assert.Contains(front, error.Message, StringComparison.Ordinal);
        Assert.Contains(back, error.Message, StringComparison.Ordinal);
        Assert.Contains("network", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task RemovedContainerThatNeverComesBackFailsAfterTheHoldTime()
    {
        string network = await _docker.CreateNetworkAsync();
        string web = TestbedDocker.UniqueName("web");
        await _docker.StartEchoAsync(web, network, "v1");
        TimeSpan hold = TimeSpan.FromSeconds(1.5);
        RelayServer relay = await _bed.RelayAsync(
            new ContainerTarget { Container = web, Port = TestbedDocker.EchoPort, HoldTime = hold });

        await _docker.RunAsync("rm", "-f", web);
        await WaitForLogAsync(3013, web);
        var clock = Stopwatch.StartNew();
        using Socket client = await ContainerTestbed.ConnectClientAsync(relay);
        bool closed = await Wire.IsClosedAsync(client, hold + TimeSpan.FromSeconds(2));

        Assert.True(closed, "the relay kept the client past the hold time");
        Assert.InRange(clock.Elapsed, hold - TimeSpan.FromMilliseconds(50), hold + TimeSpan.FromSeconds(2));
        await Wire.WaitUntilAsync(() => _log.Entries.Any(e =>
            e.Message.Contains($"no container named {web}", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task UnhealthyContainerIsNotDialledUntilHealthy()
    {
        string network = await _docker.CreateNetworkAsync();
        string web = TestbedDocker.UniqueName("web");
        // Healthy only once the file exists: the test decides when.
        await _docker.StartEchoAsync(web, network, "checked",
            "--health-cmd", "cat /www/ready", "--health-interval", "1s", "--health-retries", "1");
        ITargetDialer dialer = await _bed.DialerAsync(new ContainerTarget
        {
            Container = web,
            Port = TestbedDocker.EchoPort,
            HoldTime = TimeSpan.FromSeconds(10),
        });

        Task<Socket> held = dialer.ConnectAsync(Cancel).AsTask();
        await Task.Delay(500, Cancel);
        Assert.False(held.IsCompleted, "a connection to a container that is not healthy completed");
        await _docker.RunAsync("exec", web, "sh", "-c", "echo ok > /www/ready");
        using Socket socket = await held.WaitAsync(TimeSpan.FromSeconds(8), Cancel);

        Assert.Equal("checked", await Wire.ReadLineAsync(socket));
    }

    private async Task<(string Container, string Front, string Back)> StartOnTwoNetworksAsync()
    {
        string front = await _docker.CreateNetworkAsync();
        string back = await _docker.CreateNetworkAsync();
        string web = TestbedDocker.UniqueName("web");
        await _docker.StartEchoAsync(web, front, "two-networks");
        await _docker.RunAsync("network", "connect", back, web);
        return (web, front, back);
    }

    private static ContainerTarget Echo(string container) =>
        new() { Container = container, Port = TestbedDocker.EchoPort };

    private async Task WaitForLogAsync(int eventId, string text)
    {
        await Wire.WaitUntilAsync(
            () => _log.Messages(eventId).Any(m => m.Contains(text, StringComparison.Ordinal)));
    }
}
