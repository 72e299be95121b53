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
    private readonly LogRecorder _log;
    private readonly TestbedDocker _docker;
    private readonly List<IAsyncDisposable> _cleanup = [];

    public ContainerDialerTests(ITestOutputHelper output)
    {
        _log = new LogRecorder(output);
        _docker = TestbedDocker.Open();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        for (int i = _cleanup.Count - 1; i >= 0; i--)
        {
            await _cleanup[i].DisposeAsync();
        }

        await _docker.DisposeAsync();
    }

    [Fact]
    public async Task RelayResolvesContainerByNameAndBytesArriveIntact()
    {
        string network = await _docker.CreateNetworkAsync();
        string web = TestbedDocker.UniqueName("web");
        await _docker.StartEchoAsync(web, network, "v1");
        RelayServer relay = await RelayAsync(new ContainerTarget { Container = web, Port = TestbedDocker.EchoPort });

        using Socket socket = await ConnectClientAsync(relay);

        Assert.Equal("v1", await ReadLineAsync(socket));
        Assert.Equal(
            new IPEndPoint(await _docker.AddressAsync(web, network), TestbedDocker.EchoPort).ToString(),
            Assert.Single(relay.Connections).Target);
        byte[] sent = RandomNumberGenerator.GetBytes(1024 * 1024);
        byte[] received = await EchoAsync(socket, sent);
        Assert.Equal(SHA256.HashData(sent), SHA256.HashData(received));
    }

    [Fact]
    public async Task ContainerIsResolvedByShortId()
    {
        string network = await _docker.CreateNetworkAsync();
        string web = TestbedDocker.UniqueName("web");
        string id = await _docker.StartEchoAsync(web, network, "by-id");
        ITargetDialer dialer = await DialerAsync(
            new ContainerTarget { Container = id[..12], Port = TestbedDocker.EchoPort });

        using Socket socket = await dialer.ConnectAsync(Cancel);

        Assert.Equal("by-id", await ReadLineAsync(socket));
    }

    [Fact]
    public async Task RecreatedContainerWithNewAddressIsReachedWithinOneSecondOfItsStart()
    {
        string network = await _docker.CreateNetworkAsync();
        string web = TestbedDocker.UniqueName("web");
        await _docker.StartEchoAsync(web, network, "v1");
        IPAddress oldAddress = await _docker.AddressAsync(web, network);
        RelayServer relay = await RelayAsync(new ContainerTarget { Container = web, Port = TestbedDocker.EchoPort });
        using (Socket first = await ConnectClientAsync(relay))
        {
            Assert.Equal("v1", await ReadLineAsync(first));
        }

        await _docker.RunAsync("rm", "-f", web);
        string blocker = TestbedDocker.UniqueName("blocker");
        await _docker.StartBlockerAsync(blocker, network);
        Assert.Equal(oldAddress, await _docker.AddressAsync(blocker, network));
        // A connection that arrives while no container has the name is held, not refused.
        using Socket second = await ConnectClientAsync(relay);
        Task<string> greeting = ReadLineAsync(second, TimeSpan.FromSeconds(10));
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
        ITargetDialer dialer = await DialerAsync(new ContainerTarget
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

        Assert.Equal("v1", await ReadLineAsync(socket));
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
        ITargetDialer dialer = await DialerAsync(new ContainerTarget { Container = web, Port = TestbedDocker.EchoPort });
        using (Socket before = await dialer.ConnectAsync(Cancel))
        {
            Assert.Equal("original", await ReadLineAsync(before));
        }

        await _docker.RunAsync("rename", web, web + "-old");
        await WaitForLogAsync(3013, web);
        Task<Socket> held = dialer.ConnectAsync(Cancel).AsTask();
        await _docker.RunAsync("rename", other, web);
        using Socket after = await held.WaitAsync(TimeSpan.FromSeconds(2), Cancel);

        Assert.Equal("renamed-in", await ReadLineAsync(after));
    }

    [Fact]
    public async Task ContainerOnTwoNetworksIsDialledOnTheNamedOne()
    {
        (string web, string front, string back) = await StartOnTwoNetworksAsync();
        IPAddress backAddress = await _docker.AddressAsync(web, back);
        ITargetDialer dialer = await DialerAsync(
            new ContainerTarget { Container = web, Port = TestbedDocker.EchoPort, Network = back });

        using Socket socket = await dialer.ConnectAsync(Cancel);

        Assert.Equal(backAddress, ((IPEndPoint)socket.RemoteEndPoint!).Address);
        Assert.Equal("two-networks", await ReadLineAsync(socket));
    }

    [Fact]
    public async Task ContainerOnTwoNetworksWithoutChoiceFailsAtOnceListingTheNetworks()
    {
        (string web, string front, string back) = await StartOnTwoNetworksAsync();
        ITargetDialer dialer = await DialerAsync(new ContainerTarget { Container = web, Port = TestbedDocker.EchoPort });
        await WaitUntilAsync(() => dialer.CurrentTarget.Contains(back, StringComparison.Ordinal));
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
        RelayServer relay = await RelayAsync(
            new ContainerTarget { Container = web, Port = TestbedDocker.EchoPort, HoldTime = hold });

        await _docker.RunAsync("rm", "-f", web);
        await WaitForLogAsync(3013, web);
        var clock = Stopwatch.StartNew();
        using Socket client = await ConnectClientAsync(relay);
        bool closed = await IsClosedAsync(client, hold + TimeSpan.FromSeconds(2));

        Assert.True(closed, "the relay kept the client past the hold time");
        Assert.InRange(clock.Elapsed, hold - TimeSpan.FromMilliseconds(50), hold + TimeSpan.FromSeconds(2));
        await WaitUntilAsync(() => _log.Entries.Any(e =>
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
        ITargetDialer dialer = await DialerAsync(new ContainerTarget
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

        Assert.Equal("checked", await ReadLineAsync(socket));
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

    private async Task<ITargetDialer> DialerAsync(ContainerTarget target, string? host = null)
    {
        var view = new DockerView(new DockerConfig { Host = new Uri(host ?? _docker.Host) }, _log);
        _cleanup.Add(view);
        await view.StartAsync(Cancel);
        ITargetDialer dialer = new ContainerDialerFactory(view, _log).TryCreate(Route(target))!;
        _cleanup.Add(dialer);
        return dialer;
    }

    private async Task<RelayServer> RelayAsync(ContainerTarget target)
    {
        var view = new DockerView(new DockerConfig { Host = new Uri(_docker.Host) }, _log);
        _cleanup.Add(view);
        await view.StartAsync(Cancel);
        var relay = new RelayServer(_log, [new ContainerDialerFactory(view, _log)]);
        _cleanup.Add(relay);
        await relay.StartAsync(new RelayConfig { Routes = new Dictionary<string, RouteConfig> { ["test"] = Route(target) } }, Cancel);
        return relay;
    }

    private static async Task<Socket> ConnectClientAsync(RelayServer relay)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(relay.Routes[0].Listen!, Cancel);
        return client;
    }

    /// <summary>True when the peer closes or resets the connection within the limit.</summary>
    private static async Task<bool> IsClosedAsync(Socket socket, TimeSpan limit)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(limit);
        try
        {
            return await socket.ReceiveAsync(new byte[1], timeout.Token) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException) when (!Cancel.IsCancellationRequested)
        {
            return false;
        }
    }

    internal static RouteConfig Route(TargetConfig target) => new()
    {
        Name = "test",
        Listen = new ListenConfig { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) },
        Target = target,
    };

    private async Task WaitForLogAsync(int eventId, string text)
    {
        await WaitUntilAsync(() => _log.Messages(eventId).Any(m => m.Contains(text, StringComparison.Ordinal)));
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "condition not met within 10 s");
            await Task.Delay(20, Cancel);
        }
    }

    internal static async Task<string> ReadLineAsync(Socket socket, TimeSpan? limit = null)
    {
        var line = new List<byte>();
        byte[] one = new byte[1];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(limit ?? TimeSpan.FromSeconds(5));
        while (await socket.ReceiveAsync(one, timeout.Token) == 1 && one[0] != '\n')
        {
            line.Add(one[0]);
        }

        return System.Text.Encoding.ASCII.GetString([.. line]);
    }

    internal static async Task<byte[]> EchoAsync(Socket socket, byte[] data)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        Task send = Task.Run(async () =>
        {
            await socket.SendAsync(data, timeout.Token);
            socket.Shutdown(SocketShutdown.Send);
        }, timeout.Token);
        using var received = new MemoryStream();
        byte[] buffer = new byte[64 * 1024];
        int count;
        while ((count = await socket.ReceiveAsync(buffer, timeout.Token)) > 0)
        {
            received.Write(buffer, 0, count);
        }

        await send;
        return received.ToArray();
    }
}
