using System.Net;

namespace TcpRelay.Hosting;

public sealed class ReloadProcessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EditedFileIsAppliedAndInvalidEditsKeepTheRunningConfiguration()
    {
        await using var backend = new EchoBackend("a");
        await using var relay = new RelayProcess();
        int one = LoopbackPorts.Free();
        int two = LoopbackPorts.Free();
        string routeOne = Route("one", one, backend.Port);
        await relay.StartAsync(Config(relay, routeOne));
        using RelayClient live = await RelayClient.ConnectAsync(Loopback(one), Ct);

        string both = Config(relay, routeOne + ",\n" + Route("two", two, backend.Port));
        relay.WriteConfig(both);
        await relay.WaitForLineAsync(l => l.Contains("two: added: listening on 127.0.0.1:", StringComparison.Ordinal));
        await relay.WaitForLineAsync(l => l.Contains("1 added, 0 changed, 0 removed, 1 unchanged", StringComparison.Ordinal));

        relay.WriteConfig(both.Replace("\"routes\": {", "\"routes\": {{", StringComparison.Ordinal));
        string syntax = await relay.WaitForLineAsync(l => l.Contains("JSON syntax error", StringComparison.Ordinal));
        Assert.Contains("relay.json:2:", syntax, StringComparison.Ordinal);

        relay.WriteConfig(both.Replace($"127.0.0.1:{two}", "127.0.0.1:99999", StringComparison.Ordinal));
        await relay.WaitForLineAsync(l => l.Contains("$.routes.two.listen", StringComparison.Ordinal));

        relay.WriteConfig(Config(relay, routeOne + ",\n" + Route("one", two, backend.Port)));
        await relay.WaitForLineAsync(l => l.Contains("$.routes.one", StringComparison.Ordinal), occurrence: 1);
        await relay.WaitForLineAsync(
            l => l.Contains("keeping the previous configuration", StringComparison.Ordinal), occurrence: 3);

        Assert.False(relay.HasExited);
        Assert.Equal(1, relay.Count(l => l.Contains("configuration applied", StringComparison.Ordinal)));
        Assert.Equal("still", await live.EchoAsync("still", Ct));
        using RelayClient viaOne = await RelayClient.ConnectAsync(Loopback(one), Ct);
        using RelayClient viaTwo = await RelayClient.ConnectAsync(Loopback(two), Ct);
        Assert.Equal("x", await viaTwo.EchoAsync("x", Ct));
    }

    [Fact]
    public async Task SighupReloadsTheFileAndDoesNotStopTheService()
    {
        await using var a = new EchoBackend("a");
        await using var b = new EchoBackend("b");
        await using var relay = new RelayProcess();
        int port = LoopbackPorts.Free();
        await relay.StartAsync(Config(relay, Route("web", port, a.Port)));
        using RelayClient before = await RelayClient.ConnectAsync(Loopback(port), Ct);

        relay.Hangup();
        await relay.WaitForLineAsync(l => l.Contains("(SIGHUP)", StringComparison.Ordinal));
        await relay.WaitForLineAsync(l => l.Contains("0 added, 0 changed, 0 removed, 1 unchanged", StringComparison.Ordinal));

        // Written in place (no rename) and then signalled, as a configuration tool followed by
        // systemctl reload would; the watcher may also see it, which changes nothing.
        File.WriteAllText(relay.ConfigPath, Config(relay, Route("web", port, b.Port)));
        relay.Hangup();
        await relay.WaitForLineAsync(l => l.Contains("(SIGHUP)", StringComparison.Ordinal), occurrence: 2);
        await relay.WaitForLineAsync(l => l.Contains(
            $"web: changed (target 127.0.0.1:{a.Port} -> 127.0.0.1:{b.Port})", StringComparison.Ordinal));

        using RelayClient after = await RelayClient.ConnectAsync(Loopback(port), Ct);
        Assert.Equal("b", after.Backend);
        Assert.Equal("a", before.Backend);
        Assert.Equal("old", await before.EchoAsync("old", Ct));
        Assert.False(relay.HasExited);
    }

    [Fact]
    public async Task BurstOfEditsIsDebouncedIntoOneReload()
    {
        await using var backend = new EchoBackend("a");
        await using var relay = new RelayProcess();
        int port = LoopbackPorts.Free();
        string config = Config(relay, Route("web", port, backend.Port));
        await relay.StartAsync(config);

        for (int i = 0; i < 10; i++)
        {
            // What a save from an editor or a configuration tool looks like: several events in a row.
            File.WriteAllText(relay.ConfigPath, config + new string(' ', i));
            await Task.Delay(10, Ct);
        }

        await relay.WaitForLineAsync(l => l.Contains("configuration applied", StringComparison.Ordinal));
        await Task.Delay(1000, Ct);

        // One reload is the rule; a scheduler stall of more than 250 ms between two writes may make it two.
        Assert.InRange(relay.Count(l => l.Contains("(file changed)", StringComparison.Ordinal)), 1, 2);
    }

    internal static string Route(string name, int listen, int target) =>
        $$"""    "{{name}}": { "listen": "127.0.0.1:{{listen}}", "target": { "address": "127.0.0.1:{{target}}" } }""";

    internal static string Config(RelayProcess relay, string routes, string extra = "") => $$"""
        {
          "routes": {
        {{routes}}
          },{{extra}}
          "statusSocket": "{{relay.StatusSocket}}",
          "drainTimeout": "2s"
        }
        """;

    internal static IPEndPoint Loopback(int port) => new(IPAddress.Loopback, port);
}
