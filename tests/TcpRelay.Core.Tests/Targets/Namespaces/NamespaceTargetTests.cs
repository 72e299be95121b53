using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using TcpRelay.Configuration;
using TcpRelay.Docker;
using TcpRelay.Serving;

namespace TcpRelay.Targets.Namespaces;

/// <summary>
/// A plain network namespace (no Docker) with an echo service that listens only inside it on
/// 127.0.0.1: reachable from the relay only through the namespace path.
/// </summary>
public sealed class NamespaceTargetTests : IAsyncLifetime
{
    private const int Port = 7000;
    private readonly string _name = $"tcprelay-ns-{Guid.NewGuid():N}"[..24];
    private readonly LogRecorder _log;
    private Process? _echo;
    private RelayServer? _relay;

    public NamespaceTargetTests(ITestOutputHelper output)
    {
        _log = new LogRecorder(output);
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string NamespacePath => "/run/netns/" + _name;

    public async ValueTask InitializeAsync()
    {
        if (!IsRoot())
        {
            return;
        }

        await Processes.RunAsync("ip", "netns", "add", _name);
        await Processes.RunAsync("ip", "-n", _name, "link", "set", "lo", "up");
        _echo = Processes.Start("ip", "netns", "exec", _name, "/bin/busybox", "nc", "-ll", "-p", "7000",
            "-e", "/bin/busybox", "cat");
    }

    public async ValueTask DisposeAsync()
    {
        if (_relay is not null)
        {
            await _relay.DisposeAsync();
        }

        if (_echo is not null)
        {
            _echo.Kill();
            await _echo.WaitForExitAsync(CancellationToken.None);
            _echo.Dispose();
        }

        if (File.Exists(NamespacePath))
        {
            await Processes.RunAsync("ip", "netns", "del", _name);
        }
    }

    [Fact]
    public async Task RelayReachesServiceListeningOnlyInsideTheNamespaceWithIntegrity()
    {
        Requires.Root();
        IPEndPoint listen = await StartRelayAsync(new NamespaceTarget { Netns = NamespacePath, Port = Port });

        using Socket client = await ConnectWithRetryAsync(listen);
        byte[] sent = RandomNumberGenerator.GetBytes(1024 * 1024);
        byte[] received = await Wire.EchoAsync(client, sent);

        Assert.Equal(SHA256.HashData(sent), SHA256.HashData(received));
    }

    [Fact]
    public async Task MissingNamespaceFailsWithClearError()
    {
        Requires.Root();
        var target = new NamespaceTarget { Netns = "/run/netns/tcprelay-no-such-namespace", Port = Port };
        await using ITargetDialer dialer = new NamespaceDialerFactory().TryCreate(Wire.Route(target))!;

        var error = await Assert.ThrowsAsync<TargetDialException>(() => dialer.ConnectAsync(Cancel).AsTask());

        Assert.Equal(DialFailure.Unresolved, error.Failure);
        Assert.Equal(
            "network namespace /run/netns/tcprelay-no-such-namespace does not exist (any more)", error.Message);
    }

    [Fact]
    public async Task FileThatIsNoNamespaceIsRefused()
    {
        Requires.Root();
        var target = new NamespaceTarget { Netns = "/etc/hostname", Port = Port };
        await using ITargetDialer dialer = new NamespaceDialerFactory().TryCreate(Wire.Route(target))!;

        var error = await Assert.ThrowsAsync<TargetDialException>(() => dialer.ConnectAsync(Cancel).AsTask());

        Assert.Equal("/etc/hostname is not a network namespace", error.Message);
    }

    [Fact]
    public async Task SwitchingThreadIsBackInTheRelaysNamespaceAfterEverySocket()
    {
        Requires.Root();
        string home = new FileInfo("/proc/self/ns/net").LinkTarget!;
        string inside = new FileInfo(NamespacePath).Exists
            ? (await Processes.RunAsync("ip", "netns", "exec", _name, "readlink", "/proc/self/ns/net"))
            : "";
        Assert.NotEqual(home, inside);

        for (int i = 0; i < 20; i++)
        {
            using Socket socket =
                await NamespaceSockets.Shared.CreateSocketAsync(NamespacePath, AddressFamily.InterNetwork);
            Assert.Equal(home, await NamespaceSockets.Shared.WorkerNamespaceAsync());
        }
    }

    private async Task<IPEndPoint> StartRelayAsync(NamespaceTarget target)
    {
        _relay = new RelayServer(_log, [new NamespaceDialerFactory()]);
        await _relay.StartAsync(
            new RelayConfig { Routes = new Dictionary<string, RouteConfig> { ["ns"] = Wire.Route(target) } },
            Cancel);
        return _relay.Routes[0].Listen!;
    }

    /// <summary>The echo service needs a moment to listen; until then the relay resets the client.</summary>
    private static async Task<Socket> ConnectWithRetryAsync(IPEndPoint listen)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await client.ConnectAsync(listen, Cancel);
                await client.SendAsync("ping\n"u8.ToArray(), Cancel);
                if (await Wire.ReadLineAsync(client, TimeSpan.FromSeconds(2)) == "ping")
                {
                    return client;
                }
            }
            catch (SocketException)
            {
                // Reset by the relay: nothing listened yet.
            }

            client.Dispose();
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "the namespace's echo service never answered");
            await Task.Delay(50, Cancel);
        }
    }

    private static bool IsRoot()
    {
        try
        {
            Requires.Root();
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
