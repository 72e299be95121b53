using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TcpRelay.Configuration;
using TcpRelay.Targets;

namespace TcpRelay.Docker;

/// <summary>
/// The engine going away, at start and while relaying. The relay reaches the engine through a
/// symbolic link to its socket: removing the link blinds the relay (connect fails with "no such
/// file", as when the engine is not running) while the test still drives the engine.
/// </summary>
[Collection(DockerEngineTests.Name)]
public sealed class EngineOutageTests : IAsyncLifetime
{
    private readonly ContainerTestbed _bed;
    private readonly LogRecorder _log;
    private readonly TestbedDocker _docker;
    private readonly string _link = Path.Combine(Path.GetTempPath(), $"tcprelay-engine-{Guid.NewGuid():N}.sock");

    public EngineOutageTests(ITestOutputHelper output)
    {
        _bed = new ContainerTestbed(output) { EngineHost = "unix://" + _link };
        _log = _bed.Log;
        _docker = _bed.Docker;
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string EngineSocket => new Uri(_docker.Host).LocalPath;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _bed.DisposeAsync();
        File.Delete(_link);
    }

    [Fact]
    public async Task EngineUnreachableAtStartIsRetriedAndFollowedOnceItAnswers()
    {
        string network = await _docker.CreateNetworkAsync();
        string web = TestbedDocker.UniqueName("web");
        await _docker.StartEchoAsync(web, network, "late");
        ITargetDialer dialer = await _bed.DialerAsync(Echo(web, TimeSpan.FromSeconds(1)));

        var error = await Assert.ThrowsAsync<TargetDialException>(() => dialer.ConnectAsync(Cancel).AsTask());
        Assert.Equal(DialFailure.Unresolved, error.Failure);
        Assert.Contains("unreachable", error.Message, StringComparison.Ordinal);
        Assert.Contains(_log.Messages(3002), m => m.Contains("retrying in", StringComparison.Ordinal));

        File.CreateSymbolicLink(_link, EngineSocket);
        using Socket socket = await ConnectUntilAsync(dialer, "late", TimeSpan.FromSeconds(10));
        Assert.Single(_log.Messages(3000));
    }

    [Fact]
    public async Task EngineRestartDuringWhichTheContainerIsRecreatedIsFollowed()
    {
        string script = TestbedScript();
        string network = await _docker.CreateNetworkAsync();
        string web = TestbedDocker.UniqueName("web");
        await _docker.StartEchoAsync(web, network, "before");
        IPAddress oldAddress = await _docker.AddressAsync(web, network);
        File.CreateSymbolicLink(_link, EngineSocket);
        ITargetDialer dialer = await _bed.DialerAsync(Echo(web, TimeSpan.FromSeconds(5)));
        using (Socket first = await dialer.ConnectAsync(Cancel))
        {
            Assert.Equal("before", await Wire.ReadLineAsync(first));
        }

        File.Delete(_link);
        await RunScriptAsync(script, "stop-engine");
        await Wire.WaitUntilAsync(() => _log.Messages(3003).Any());
        await RunScriptAsync(script, "start-engine");
        await _docker.RunAsync("rm", "-f", web);
        string blocker = TestbedDocker.UniqueName("blocker");
        await _docker.StartBlockerAsync(blocker, network);
        Assert.Equal(oldAddress, await _docker.AddressAsync(blocker, network));
        await _docker.StartEchoAsync(web, network, "after");
        IPAddress newAddress = await _docker.AddressAsync(web, network);
        Assert.NotEqual(oldAddress, newAddress);
        File.CreateSymbolicLink(_link, EngineSocket);

        // Reconnect attempts back off 1, 2, 4, 8 s: the outage above lasts about 5 s.
        using Socket socket = await ConnectUntilAsync(dialer, "after", TimeSpan.FromSeconds(30));
        Assert.Equal(newAddress, ((IPEndPoint)socket.RemoteEndPoint!).Address);
        Assert.Single(_log.Messages(3001));
        Assert.Equal([$"{web}: {oldAddress} -> {newAddress} (network {network})"], _log.Messages(3010));
    }

    private static ContainerTarget Echo(string container, TimeSpan hold) =>
        new() { Container = container, Port = TestbedDocker.EchoPort, HoldTime = hold };

    /// <summary>New connections until one reaches the container that says <paramref name="id"/>.</summary>
    private static async Task<Socket> ConnectUntilAsync(ITargetDialer dialer, string id, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Assert.True(clock.Elapsed < limit, $"no connection reached '{id}' within {limit}");
            try
            {
                Socket socket = await dialer.ConnectAsync(Cancel);
                if (await Wire.ReadLineAsync(socket) == id)
                {
                    return socket;
                }

                socket.Dispose();
            }
            catch (TargetDialException)
            {
                // Still blind, or dialling the stale address: the next connection tries again.
            }

            await Task.Delay(100, Cancel);
        }
    }

    private static string TestbedScript()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("TCPRELAY_TESTBED_NAME")))
        {
            Requires.Unavailable("needs to restart the test bed's engine (TCPRELAY_TESTBED_NAME)",
                "run the README's test command as root");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string script = Path.Combine(dir.FullName, "tests", "testbed", "testbed.sh");
            if (File.Exists(script))
            {
                return script;
            }
        }

        throw new InvalidOperationException(
            "tests/testbed/testbed.sh not found above " + AppContext.BaseDirectory);
    }

    private static async Task RunScriptAsync(string script, string command)
    {
        using Process process = Process.Start("bash", [script, command]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, process.ExitCode);
    }
}
