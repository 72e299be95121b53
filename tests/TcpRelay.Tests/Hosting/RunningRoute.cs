namespace TcpRelay.Hosting;

/// <summary>
/// <c>tcprelay run</c> serving one loopback route (named "test") to a loopback echo server,
/// started and listening. Disposing kills whatever is still running and removes the file.
/// </summary>
internal sealed class RunningRoute : IAsyncDisposable
{
    private RunningRoute(LoopbackEchoServer echo, TempConfigFile config, TcpRelayProcess relay, int port)
    {
        Echo = echo;
        Config = config;
        Relay = relay;
        Port = port;
    }

    public LoopbackEchoServer Echo { get; }

    public TempConfigFile Config { get; }

    public TcpRelayProcess Relay { get; }

    /// <summary>The route's listening port on 127.0.0.1.</summary>
    public int Port { get; }

    public static async Task<RunningRoute> StartAsync(string drainTimeout = "30s")
    {
        var echo = new LoopbackEchoServer();
        int port = Loopback.FreePort();
        var config = TempConfigFile.LoopbackRoute(port, echo.Port, drainTimeout);
        TcpRelayProcess relay = TcpRelayProcess.Start("run", "--config", config.Path);
        var route = new RunningRoute(echo, config, relay, port);
        await relay.WaitForLogAsync($"test: listening on 127.0.0.1:{port}", TimeSpan.FromSeconds(30));
        return route;
    }

    public async ValueTask DisposeAsync()
    {
        Relay.Dispose();
        Config.Dispose();
        await Echo.DisposeAsync();
    }
}
