using System.Net.Sockets;
using TcpRelay.Configuration;
using TcpRelay.Serving;

namespace TcpRelay.Admission;

public class LimitsEndToEndTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task PerClientLimitRelaysExactlyThreeOfTenConcurrentClients()
    {
        await using var backend = new Backend();
        await using RelayHarness relay = await RelayHarness.StartAsync(
            null, RelayHarness.Route("web", backend.Port, new AdmissionConfig { MaxConnectionsPerClient = 3 }));

        Socket[] clients = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Clients.ConnectAsync(relay.Listen("web"))));
        bool[] closed = await Task.WhenAll(clients.Select(c => Clients.ClosedWithinAsync(c, Settle)));

        Assert.Equal(7, closed.Count(c => c));
        Assert.Equal(3, backend.Accepted);
        string[] ends = await relay.EndLinesAsync(7);
        Assert.Equal(7, ends.Count(l => l.Contains("Rejected", StringComparison.Ordinal)));

        // Ending an admitted connection gives its slot back, and only one slot.
        // (A reset, so the relay ends the connection without waiting for the backend's FIN.)
        Socket admitted = clients[Array.IndexOf(closed, false)];
        admitted.LingerState = new LingerOption(true, 0);
        admitted.Dispose();
        using Socket replacement = await ConnectUntilAdmittedAsync(relay);
        using Socket extra = await Clients.ConnectAsync(relay.Listen("web"));
        Assert.True(await Clients.ClosedWithinAsync(extra, Settle));
        Assert.Equal(4, backend.Accepted);
        foreach (Socket client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public async Task PerClientLimitCountsEachSourceAddressApart()
    {
        await using var backend = new Backend();
        await using RelayHarness relay = await RelayHarness.StartAsync(
            null, RelayHarness.Route("web", backend.Port, new AdmissionConfig { MaxConnectionsPerClient = 1 }));

        using Socket a1 = await Clients.ConnectAsync(relay.Listen("web"), "127.0.0.2");
        await backend.NextAsync();
        using Socket b1 = await Clients.ConnectAsync(relay.Listen("web"), "127.0.0.3");
        await backend.NextAsync();
        using Socket a2 = await Clients.ConnectAsync(relay.Listen("web"), "127.0.0.2");

        Assert.True(await Clients.ClosedWithinAsync(a2, Settle));
        Assert.False(await Clients.ClosedWithinAsync(a1, TimeSpan.FromMilliseconds(200)));
        Assert.Equal(2, backend.Accepted);
    }

    [Fact]
    public async Task RouteLimitHoldsAcrossClients()
    {
        await using var backend = new Backend();
        await using RelayHarness relay = await RelayHarness.StartAsync(
            null, RelayHarness.Route("web", backend.Port, new AdmissionConfig { MaxConnections = 2 }));

        Socket[] clients = await Task.WhenAll(
            Enumerable.Range(2, 5).Select(i => Clients.ConnectAsync(relay.Listen("web"), $"127.0.0.{i}")));

        Assert.Equal(3, await CountClosedAsync(clients));
        Assert.Equal(2, backend.Accepted);
    }

    /// <summary>
    /// Connections accepted before a reload count against its route limit, whether the route had
    /// a limit then (which the reload raises) or had none (which the reload adds).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RouteLimitCountsConnectionsAcceptedBeforeAReload(bool limitedBefore)
    {
        await using var backend = new Backend();
        await using RelayHarness relay = await RelayHarness.StartAsync(
            null, RelayHarness.Route("web", backend.Port, new AdmissionConfig { MaxConnections = limitedBefore ? 2 : null }));
        Socket first = await Clients.ConnectAsync(relay.Listen("web"), "127.0.0.2");
        using Socket second = await Clients.ConnectAsync(relay.Listen("web"), "127.0.0.3");
        await backend.NextAsync();
        await backend.NextAsync();

        ReloadResult reload = await relay.ReloadAsync(
            RelayHarness.Route("web", backend.Port, new AdmissionConfig { MaxConnections = 3 }));
        Assert.Equal(RouteChange.Changed, reload["web"]!.Change);

        // Two are live from before the reload, so the new limit of 3 leaves room for one.
        // (Closed with a reset, so that the relay ends the admitted one at once.)
        Socket[] after = await Task.WhenAll(
            Enumerable.Range(4, 2).Select(i => Clients.ConnectAsync(relay.Listen("web"), $"127.0.0.{i}")));
        Array.ForEach(after, c => c.LingerState = new LingerOption(true, 0));
        Assert.Equal(1, await CountClosedAsync(after));
        Assert.Equal(3, backend.Accepted);

        // The two keep their places until they end, and then give them back.
        using Socket third = await ConnectUntilAdmittedAsync(relay);
        Assert.False(await Clients.ClosedWithinAsync(first, TimeSpan.FromMilliseconds(200)));
        first.LingerState = new LingerOption(true, 0);
        first.Dispose();
        using Socket fourth = await ConnectUntilAdmittedAsync(relay);
        Assert.Equal(5, backend.Accepted);
    }

    /// <summary>
    /// A client's connection accepted before a reload counts against the per-client limit after
    /// it, whether the route had that limit then or the reload adds it.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PerClientLimitCountsConnectionsAcceptedBeforeAReload(bool limitedBefore)
    {
        await using var backend = new Backend();
        await using RelayHarness relay = await RelayHarness.StartAsync(
            null, RelayHarness.Route("web", backend.Port, new AdmissionConfig { MaxConnectionsPerClient = limitedBefore ? 1 : null }));
        Socket held = await Clients.ConnectAsync(relay.Listen("web"));
        await backend.NextAsync();

        ReloadResult reload = await relay.ReloadAsync(RelayHarness.Route(
            "web", backend.Port, new AdmissionConfig { MaxConnectionsPerClient = 1, NewConnectionsPerSecondPerClient = 100 }));
        Assert.Equal(RouteChange.Changed, reload["web"]!.Change);

        using Socket again = await Clients.ConnectAsync(relay.Listen("web"));
        using Socket other = await Clients.ConnectAsync(relay.Listen("web"), "127.0.0.3");
        Assert.True(await Clients.ClosedWithinAsync(again, Settle));
        Assert.False(await Clients.ClosedWithinAsync(other, TimeSpan.FromMilliseconds(200)));
        Assert.Equal(2, backend.Accepted);

        // The connection from before the reload gives its slot back to the new limits.
        held.LingerState = new LingerOption(true, 0);
        held.Dispose();
        using Socket replacement = await ConnectUntilAdmittedAsync(relay);
        Assert.Equal(3, backend.Accepted);
    }

    [Fact]
    public async Task GlobalLimitIsSharedByTwoRoutes()
    {
        await using var backend = new Backend();
        await using RelayHarness relay = await RelayHarness.StartAsync(
            3,
            RelayHarness.Route("a", backend.Port, new AdmissionConfig()),
            RelayHarness.Route("b", backend.Port, new AdmissionConfig()));

        var clients = new List<Socket>();
        for (int i = 0; i < 3; i++)
        {
            clients.Add(await Clients.ConnectAsync(relay.Listen("a")));
            clients.Add(await Clients.ConnectAsync(relay.Listen("b")));
        }

        Assert.Equal(3, await CountClosedAsync(clients));
        Assert.Equal(3, backend.Accepted);
    }

    [Fact]
    public async Task RateLimitRefusesABurstBeyondItsAllowance()
    {
        await using var backend = new Backend();
        await using RelayHarness relay = await RelayHarness.StartAsync(
            null, RelayHarness.Route("web", backend.Port, new AdmissionConfig { NewConnectionsPerSecondPerClient = 0.5 }));

        var clients = new List<Socket>();
        for (int i = 0; i < 6; i++)
        {
            clients.Add(await Clients.ConnectAsync(relay.Listen("web")));
        }

        int closed = await CountClosedAsync(clients);

        // One token to start with, the next after 2 s: a second only if connecting took that long.
        Assert.InRange(backend.Accepted, 1, 2);
        Assert.Equal(6 - backend.Accepted, closed);
    }

    [Fact]
    public async Task DeniedClientIsResetWithoutDialingAndLoggedAtDebug()
    {
        await using var backend = new Backend();
        await using RelayHarness relay = await RelayHarness.StartAsync(
            null,
            RelayHarness.Route("web", backend.Port, new AdmissionConfig { Deny = AddressRulesTests.Networks("127.0.0.2/32") }));

        using Socket denied = await Clients.ConnectAsync(relay.Listen("web"), "127.0.0.2");
        ClientView view = await Clients.ObserveAsync(denied, Settle);
        using Socket allowed = await Clients.ConnectAsync(relay.Listen("web"), "127.0.0.3");
        await backend.NextAsync();

        Assert.Equal(ClientView.Reset, view);
        Assert.Equal(1, backend.Accepted);
        string refused = Assert.Single(relay.Logs.Log.Messages("ConnectionRefused"));
        Assert.Contains("127.0.0.2", refused, StringComparison.Ordinal);
        Assert.Contains("deny list", refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MappedClientOnDualStackListenerMatchesIPv4Rules()
    {
        await using var backend = new Backend();
        var listen = new System.Net.IPEndPoint(System.Net.IPAddress.IPv6Any, 0);
        await using RelayHarness relay = await RelayHarness.StartAsync(
            null,
            RelayHarness.Route(
                "web",
                backend.Port,
                new AdmissionConfig { Allow = AddressRulesTests.Networks("127.0.0.0/30"), SendProxy = ProxyProtocolVersion.V1 },
                listen));
        int port = relay.Listen("web").Port;

        using Socket v4 = await Clients.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port), "127.0.0.2");
        using Socket target = await backend.NextAsync();
        using Socket v4Outside = await Clients.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port), "127.0.0.9");
        using Socket v6 = await Clients.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.IPv6Loopback, port), "::1");

        string expected = $"PROXY TCP4 127.0.0.2 127.0.0.1 {((System.Net.IPEndPoint)v4.LocalEndPoint!).Port} {port}\r\n";
        Assert.Equal(expected, System.Text.Encoding.ASCII.GetString(await Backend.ReadExactlyAsync(target, expected.Length)));
        Assert.True(await Clients.ClosedWithinAsync(v4Outside, Settle));
        Assert.True(await Clients.ClosedWithinAsync(v6, Settle));
        Assert.Equal(1, backend.Accepted);
    }

    /// <summary>How many of the clients the relay closed within <see cref="Settle"/>; disposes them all.</summary>
    private static async Task<int> CountClosedAsync(IReadOnlyList<Socket> clients)
    {
        bool[] closed = await Task.WhenAll(clients.Select(c => Clients.ClosedWithinAsync(c, Settle)));
        foreach (Socket client in clients)
        {
            client.Dispose();
        }

        return closed.Count(c => c);
    }

    /// <summary>The relay releases a slot once it has seen the close; retry briefly until it has.</summary>
    private static async Task<Socket> ConnectUntilAdmittedAsync(RelayHarness relay)
    {
        for (int i = 0; i < 50; i++)
        {
            Socket client = await Clients.ConnectAsync(relay.Listen("web"));
            if (!await Clients.ClosedWithinAsync(client, TimeSpan.FromMilliseconds(200)))
            {
                return client;
            }

            client.Dispose();
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Fail("the released slot was never given to a new client");
        return null!;
    }
}
