using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TcpRelay.Configuration;
using TcpRelay.Targets;
using static TcpRelay.Serving.TestConfigs;

namespace TcpRelay.Serving;

public sealed class RelayServerReloadTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddedRouteAcceptsWhileUnchangedRouteKeepsItsListenerAndConnections()
    {
        await using var backend = new EchoBackend("a");
        var logs = new LogCapture();
        await using var server = new RelayServer(logs, [new AddressDialerFactory()]);
        await server.StartAsync(Config(Route("one", 0, backend.Port)), Ct);
        IPEndPoint one = ListenOf(server, "one");
        using RelayClient live = await RelayClient.ConnectAsync(one, Ct);

        // Built anew, as a reload of the same file would: equal content, new list instances.
        RouteConfig again = Route("one", 0, backend.Port) with
        {
            Admission = new AdmissionConfig { Allow = [IPNetwork.Parse("127.0.0.0/8")] },
        };
        await server.ApplyAsync(Config(again), Ct);
        RouteConfig againCopy = again with
        {
            Admission = new AdmissionConfig { Allow = [IPNetwork.Parse("127.0.0.0/8")] },
        };
        ReloadResult result = await server.ApplyAsync(Config(againCopy, Route("two", 0, backend.Port)), Ct);

        Assert.Equal(RouteChange.Unchanged, result["one"]!.Change);
        Assert.Equal(RouteChange.Added, result["two"]!.Change);
        Assert.Equal(one, ListenOf(server, "one"));
        Assert.Equal("hello", await live.EchoAsync("hello", Ct));
        using RelayClient added = await RelayClient.ConnectAsync(ListenOf(server, "two"), Ct);
        Assert.Equal("a", added.Backend);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Debug && e.Message == "one: unchanged");
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Information && e.Message.StartsWith(
            "two: added: listening on 127.0.0.1:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RemovedRouteRefusesNewConnectionsWhileLiveOneContinues()
    {
        await using var backend = new EchoBackend("a");
        var logs = new LogCapture();
        await using var server = new RelayServer(logs, [new AddressDialerFactory()]);
        await server.StartAsync(Config(Route("one", 0, backend.Port), Route("two", 0, backend.Port)), Ct);
        IPEndPoint two = ListenOf(server, "two");
        using RelayClient live = await RelayClient.ConnectAsync(two, Ct);

        ReloadResult result = await server.ApplyAsync(Config(Route("one", 0, backend.Port)), Ct);

        Assert.Equal(RouteChange.Removed, result["two"]!.Change);
        Assert.DoesNotContain(server.Routes, r => r.Name == "two");
        await Assert.ThrowsAsync<SocketException>(async () => await RelayClient.ConnectAsync(two, Ct));
        Assert.Equal("still here", await live.EchoAsync("still here", Ct));
        Assert.Contains(server.Connections, c => c.Route == "two");
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Information && e.Message.StartsWith(
            "two: removed; 1 live connections continue for up to 30 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RemovedRouteAbortsWhatIsLeftAfterTheDrainTimeout()
    {
        await using var backend = new EchoBackend("a");
        await using var server = new RelayServer(NullLoggerFactory.Instance, [new AddressDialerFactory()]);
        await server.StartAsync(Config(Route("one", 0, backend.Port)), Ct);
        using RelayClient live = await RelayClient.ConnectAsync(ListenOf(server, "one"), Ct);

        await server.ApplyAsync(Config() with { DrainTimeout = TimeSpan.FromMilliseconds(200) }, Ct);

        var buffer = new byte[16];
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            int read = await live.Socket.ReceiveAsync(buffer, SocketFlags.None, bound.Token);
            Assert.Equal(0, read);
        }
        catch (SocketException e)
        {
            Assert.Equal(SocketError.ConnectionReset, e.SocketErrorCode);
        }

        await Eventually.TrueAsync(() => server.Connections.Count == 0);
    }

    [Fact]
    public async Task ChangedTargetAppliesToNewConnectionsOnly()
    {
        await using var a = new EchoBackend("a");
        await using var b = new EchoBackend("b");
        var logs = new LogCapture();
        await using var server = new RelayServer(logs, [new AddressDialerFactory()]);
        await server.StartAsync(Config(Route("web", 0, a.Port)), Ct);
        IPEndPoint web = ListenOf(server, "web");
        using RelayClient before = await RelayClient.ConnectAsync(web, Ct);

        ReloadResult result = await server.ApplyAsync(Config(Route("web", 0, b.Port)), Ct);

        Assert.Equal(RouteChange.Changed, result["web"]!.Change);
        Assert.Equal($"target 127.0.0.1:{a.Port} -> 127.0.0.1:{b.Port}", result["web"]!.Detail);
        Assert.Equal(web, ListenOf(server, "web"));
        using RelayClient after = await RelayClient.ConnectAsync(web, Ct);
        Assert.Equal("a", before.Backend);
        Assert.Equal("b", after.Backend);
        Assert.Equal("old", await before.EchoAsync("old", Ct));
        Assert.Equal("new", await after.EchoAsync("new", Ct));
        Assert.Equal($"127.0.0.1:{b.Port}", server.Routes.Single().Target);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Information && e.Message.StartsWith(
            $"web: changed (target 127.0.0.1:{a.Port} -> 127.0.0.1:{b.Port})", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReplacedDialerIsDisposedOnceItsLastConnectionHasEnded()
    {
        await using var a = new EchoBackend("a");
        await using var b = new EchoBackend("b");
        var dialers = new ObservedDialerFactory();
        await using var server = new RelayServer(NullLoggerFactory.Instance, [dialers]);
        await server.StartAsync(Config(Route("web", 0, a.Port)), Ct);
        IPEndPoint web = ListenOf(server, "web");
        RelayClient before = await RelayClient.ConnectAsync(web, Ct);

        await server.ApplyAsync(Config(Route("web", 0, b.Port)), Ct);
        using RelayClient after = await RelayClient.ConnectAsync(web, Ct);

        ObservedDialerFactory.ObservedDialer[] created = [.. dialers.Created];
        Assert.Equal(2, created.Length);
        Assert.False(created[0].Disposed);
        before.Dispose();
        await Eventually.TrueAsync(() => created[0].Disposed);
        Assert.False(created[1].Disposed);
        Assert.Equal("b", after.Backend);
    }

    [Fact]
    public async Task ChangedListenEndPointRebindsAndKeepsLiveConnections()
    {
        await using var backend = new EchoBackend("a");
        await using var server = new RelayServer(NullLoggerFactory.Instance, [new AddressDialerFactory()]);
        int first = FreePort();
        await server.StartAsync(Config(Route("web", first, backend.Port)), Ct);
        using RelayClient live = await RelayClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, first), Ct);

        int second = FreePort();
        ReloadResult result = await server.ApplyAsync(Config(Route("web", second, backend.Port)), Ct);

        Assert.Equal(RouteChange.Changed, result["web"]!.Change);
        Assert.Equal(second, ListenOf(server, "web").Port);
        using RelayClient moved = await RelayClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, second), Ct);
        Assert.Equal("a", moved.Backend);
        await Assert.ThrowsAsync<SocketException>(
            async () => await RelayClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, first), Ct));
        Assert.Equal("live", await live.EchoAsync("live", Ct));
    }

    [Fact]
    public async Task BindFailureFailsThatRouteOnlyAndIsRetriedAtTheNextReload()
    {
        await using var backend = new EchoBackend("a");
        var logs = new LogCapture();
        await using var server = new RelayServer(logs, [new AddressDialerFactory()]);
        int first = FreePort();
        await server.StartAsync(Config(Route("web", first, backend.Port)), Ct);
        var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        int taken = ((IPEndPoint)blocker.LocalEndpoint).Port;
        RelayConfig wanted = Config(
            Route("web", taken, backend.Port), Route("fresh", 0, backend.Port), Route("late", taken, backend.Port));

        ReloadResult failed = await server.ApplyAsync(wanted, Ct);

        Assert.Equal(RouteChange.Failed, failed["web"]!.Change);
        Assert.Equal(RouteChange.Failed, failed["late"]!.Change);
        Assert.Equal(RouteChange.Added, failed["fresh"]!.Change);
        Assert.Equal(first, ListenOf(server, "web").Port);
        using (RelayClient stillServed = await RelayClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, first), Ct))
        {
            Assert.Equal("a", stillServed.Backend);
        }

        RouteStatus late = server.Routes.Single(r => r.Name == "late");
        Assert.Null(late.Listen);
        Assert.StartsWith($"not running: cannot listen on 127.0.0.1:{taken}", late.Problem, StringComparison.Ordinal);
        Assert.StartsWith($"cannot listen on 127.0.0.1:{taken}", server.Routes.Single(r => r.Name == "web").Problem,
            StringComparison.Ordinal);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.Message.StartsWith(
            $"web: cannot listen on 127.0.0.1:{taken}", StringComparison.Ordinal)
            && e.Message.EndsWith($"still listening on 127.0.0.1:{first}; retrying at the next reload",
                StringComparison.Ordinal));

        blocker.Stop();
        ReloadResult retried = await server.ApplyAsync(
            Config(Route("web", taken, backend.Port), Route("fresh", 0, backend.Port)), Ct);

        Assert.Equal(RouteChange.Changed, retried["web"]!.Change);
        Assert.Equal(RouteChange.Unchanged, retried["fresh"]!.Change);
        Assert.Null(retried["late"]);
        Assert.Equal(taken, ListenOf(server, "web").Port);
        Assert.All(server.Routes, r => Assert.Null(r.Problem));
    }

    [Fact]
    public async Task ReloadStormWhileStreamingDropsNoConnectionAndNoByte()
    {
        const int Connections = 200;
        const int Reloads = 50;
        await using var a = new EchoBackend("a");
        await using var b = new EchoBackend("b");
        await using var server = new RelayServer(NullLoggerFactory.Instance, [new AddressDialerFactory()]);
        await server.StartAsync(Config(Route("main", 0, a.Port), Route("extra1", 0, a.Port)), Ct);
        IPEndPoint main = ListenOf(server, "main");
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        bound.CancelAfter(TimeSpan.FromSeconds(120));
        using var stop = new CancellationTokenSource();

        var clients = new List<RelayClient>();
        for (int i = 0; i < Connections; i++)
        {
            clients.Add(await RelayClient.ConnectAsync(main, bound.Token));
        }

        Task<long>[] streams = [.. clients.Select(c => StreamUntilStoppedAsync(c, stop.Token, bound.Token))];
        var newcomers = new List<string>();
        for (int i = 0; i < Reloads; i++)
        {
            // The unrelated route alternates; main's target moves between a and b every fifth reload.
            int target = i / 5 % 2 == 0 ? b.Port : a.Port;
            RouteConfig extra = i % 2 == 0 ? Route("extra2", 0, a.Port) : Route("extra1", 0, a.Port);
            ReloadResult result = await server.ApplyAsync(Config(Route("main", 0, target), extra), bound.Token);
            Assert.True(result.Succeeded);
            using RelayClient newcomer = await RelayClient.ConnectAsync(main, bound.Token);
            Assert.Equal("n", await newcomer.EchoAsync("n", bound.Token));
            newcomers.Add(newcomer.Backend);
            await Task.Delay(20, bound.Token);
        }

        await stop.CancelAsync();
        long[] bytes = await Task.WhenAll(streams);

        Assert.All(bytes, n => Assert.True(n > 0));
        Assert.Contains("a", newcomers);
        Assert.Contains("b", newcomers);
        Assert.Equal(main, ListenOf(server, "main"));
        foreach (RelayClient client in clients)
        {
            client.Dispose();
        }
    }

    /// <summary>
    /// Sends random chunks and reads their echo until stopped, then closes its sending side and
    /// reads to the end; returns the bytes echoed once the hash of what came back matches.
    /// </summary>
    private static async Task<long> StreamUntilStoppedAsync(
        RelayClient client, CancellationToken stop, CancellationToken bound)
    {
        using var sent = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var received = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] chunk = new byte[4096];
        byte[] echo = new byte[4096];
        long total = 0;
        while (!stop.IsCancellationRequested)
        {
            Random.Shared.NextBytes(chunk);
            sent.AppendData(chunk);
            await client.Socket.SendAsync(chunk, SocketFlags.None, bound);
            await client.ReadExactlyAsync(echo, bound);
            received.AppendData(echo);
            total += echo.Length;
            await Task.Delay(5, bound);
        }

        client.Socket.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await client.Socket.ReceiveAsync(echo, SocketFlags.None, bound));
        Assert.Equal(sent.GetHashAndReset(), received.GetHashAndReset());
        return total;
    }

    private static IPEndPoint ListenOf(RelayServer server, string route) =>
        server.Routes.Single(r => r.Name == route).Listen!;
}
