using System.Net;
using System.Net.Sockets;
using TcpRelay.Configuration;
using TcpRelay.Serving;
using TcpRelay.TestSupport;

namespace TcpRelay.Listening;

public sealed class ListenerTests
{
    [Fact]
    public async Task ReusePortLetsTwoServersShareAPort()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using var backend = LoopbackBackend.Echo();
        var shared = new ListenConfig { EndPoint = new IPEndPoint(IPAddress.Loopback, 0), ReusePort = true };
        await using RelayFixture first = await RelayFixture.StartAsync(backend.EndPoint, listen: shared);
        await using RelayFixture second = await RelayFixture.StartAsync(
            backend.EndPoint, listen: shared with { EndPoint = first.EndPoint });

        Assert.Equal(first.EndPoint, second.EndPoint);
        for (int i = 0; i < 20; i++)
        {
            using Socket client = await first.ConnectAsync();
            Assert.Equal([(byte)i], await SocketData.ExchangeAsync(client, [(byte)i], ct));
        }

        // The kernel spreads connections over both (all 20 on one side: about 1 in 500,000).
        Assert.True(first.Server.Routes[0].TotalConnections > 0, "the first server got no connection");
        Assert.True(second.Server.Routes[0].TotalConnections > 0, "the second server got no connection");
    }

    [Fact]
    public async Task WithoutReusePortASecondServerCannotBind()
    {
        await using var backend = LoopbackBackend.Echo();
        await using RelayFixture first = await RelayFixture.StartAsync(backend.EndPoint);

        RelayStartException e = await Assert.ThrowsAsync<RelayStartException>(async () =>
        {
            await using RelayFixture second = await RelayFixture.StartAsync(
                backend.EndPoint, listen: new ListenConfig { EndPoint = first.EndPoint });
        });
        Assert.Contains(RelayFixture.RouteName, Assert.Single(e.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IPv6LoopbackListenerRelays()
    {
        Requires.IPv6Loopback();
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using var backend = LoopbackBackend.Echo();
        await using RelayFixture relay = await RelayFixture.StartAsync(
            backend.EndPoint, listen: new ListenConfig { EndPoint = new IPEndPoint(IPAddress.IPv6Loopback, 0) });

        using Socket client = await relay.ConnectAsync();

        Assert.Equal(AddressFamily.InterNetworkV6, client.AddressFamily);
        Assert.Equal([6], await SocketData.ExchangeAsync(client, [6], ct));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnyAddressListenerTakesIPv4ClientsUnlessIPv6Only(bool ipv6Only)
    {
        Requires.IPv6Loopback();
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using var backend = LoopbackBackend.Echo();
        await using RelayFixture relay = await RelayFixture.StartAsync(
            backend.EndPoint,
            listen: new ListenConfig { EndPoint = new IPEndPoint(IPAddress.IPv6Any, 0), IPv6Only = ipv6Only });
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var ipv4 = new IPEndPoint(IPAddress.Loopback, relay.EndPoint.Port);

        if (ipv6Only)
        {
            SocketException e = await Assert.ThrowsAsync<SocketException>(
                async () => await client.ConnectAsync(ipv4, ct));
            Assert.Equal(SocketError.ConnectionRefused, e.SocketErrorCode);
        }
        else
        {
            await client.ConnectAsync(ipv4, ct);
            Assert.Equal([4], await SocketData.ExchangeAsync(client, [4], ct));
        }
    }
}
