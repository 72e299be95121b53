using System.Net.Sockets;
using TcpRelay.Configuration;
using TcpRelay.Serving;
using TcpRelay.Targets;

namespace TcpRelay.Docker;

/// <summary>
/// What every container test needs: the test bed's engine, a log recorder, and Docker views,
/// dialers and relays that are disposed (before the containers are removed) when the test ends.
/// </summary>
internal sealed class ContainerTestbed : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _cleanup = [];

    public ContainerTestbed(ITestOutputHelper output)
    {
        Log = new LogRecorder(output);
        Docker = TestbedDocker.Open();
        EngineHost = Docker.Host;
    }

    public LogRecorder Log { get; }

    public TestbedDocker Docker { get; }

    /// <summary>The endpoint the relay's view uses; the engine's own socket unless a test changes it.</summary>
    public string EngineHost { get; set; }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async Task<DockerView> ViewAsync()
    {
        var view = new DockerView(new DockerConfig { Host = new Uri(EngineHost) }, Log);
        _cleanup.Add(view);
        await view.StartAsync(Cancel);
        return view;
    }

    public async Task<ITargetDialer> DialerAsync(ContainerTarget target)
    {
        ITargetDialer dialer = new ContainerDialerFactory(await ViewAsync(), Log).TryCreate(Wire.Route(target))!;
        _cleanup.Add(dialer);
        return dialer;
    }

    public async Task<RelayServer> RelayAsync(ContainerTarget target)
    {
        var relay = new RelayServer(Log, [new ContainerDialerFactory(await ViewAsync(), Log)]);
        _cleanup.Add(relay);
        var config = new RelayConfig
        {
            Routes = new Dictionary<string, RouteConfig> { ["test"] = Wire.Route(target) },
        };
        await relay.StartAsync(config, Cancel);
        return relay;
    }

    public static async Task<Socket> ConnectClientAsync(RelayServer relay)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(relay.Routes[0].Listen!, Cancel);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        for (int i = _cleanup.Count - 1; i >= 0; i--)
        {
            await _cleanup[i].DisposeAsync();
        }

        await Docker.DisposeAsync();
    }
}
