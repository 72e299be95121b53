using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TcpRelay.Configuration;

namespace TcpRelay.Admission;

public class ProxyEndToEndTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SendProxyV1PrecedesTheClientsFirstByte()
    {
        await using var backend = new Backend();
        await using RelayHarness relay = await RelayHarness.StartAsync(
            null, RelayHarness.Route("web", backend.Port, new AdmissionConfig { SendProxy = ProxyProtocolVersion.V1 }));

        using Socket client = await Clients.ConnectAsync(relay.Listen("web"), "127.0.0.5");
        await client.SendAsync("GET /"u8.ToArray(), SocketFlags.None, Ct);
        using Socket target = await backend.NextAsync();

        int clientPort = ((IPEndPoint)client.LocalEndPoint!).Port;
        string expected = $"PROXY TCP4 127.0.0.5 127.0.0.1 {clientPort} {relay.Listen("web").Port}\r\nGET /";
        Assert.Equal(expected, Encoding.ASCII.GetString(await Backend.ReadExactlyAsync(target, expected.Length)));
    }

    [Fact]
    public async Task SendProxyV2PrecedesTheClientsFirstByte()
    {
        await using var backend = new Backend();
        await using RelayHarness relay = await RelayHarness.StartAsync(
            null, RelayHarness.Route("web", backend.Port, new AdmissionConfig { SendProxy = ProxyProtocolVersion.V2 }));

        using Socket client = await Clients.ConnectAsync(relay.Listen("web"), "127.0.0.6");
        await client.SendAsync("hi"u8.ToArray(), SocketFlags.None, Ct);
        using Socket target = await backend.NextAsync();

        int clientPort = ((IPEndPoint)client.LocalEndPoint!).Port;
        int relayPort = relay.Listen("web").Port;
        byte[] expected =
        [
            0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A,
            0x21, 0x11, 0x00, 0x0C,
            127, 0, 0, 6,
            127, 0, 0, 1,
            (byte)(clientPort >> 8), (byte)clientPort,
            (byte)(relayPort >> 8), (byte)relayPort,
            (byte)'h', (byte)'i',
        ];
        Assert.Equal(expected, await Backend.ReadExactlyAsync(target, expected.Length));
    }

    [Fact]
    public async Task SendProxyV2FromAnIPv6ClientCarriesSixteenByteAddresses()
    {
        await using var backend = new Backend();
        await using RelayHarness relay = await RelayHarness.StartAsync(
            null,
            RelayHarness.Route(
                "web",
                backend.Port,
                new AdmissionConfig { SendProxy = ProxyProtocolVersion.V2 },
                new IPEndPoint(IPAddress.IPv6Loopback, 0)));

        using Socket client = await Clients.ConnectAsync(relay.Listen("web"), "::1");
        using Socket target = await backend.NextAsync();

        int clientPort = ((IPEndPoint)client.LocalEndPoint!).Port;
        int relayPort = relay.Listen("web").Port;
        byte[] loopback = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        byte[] expected =
        [
            0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A,
            0x21, 0x21, 0x00, 0x24,
            .. loopback,
            .. loopback,
            (byte)(clientPort >> 8), (byte)clientPort,
            (byte)(relayPort >> 8), (byte)relayPort,
        ];
        Assert.Equal(expected, await Backend.ReadExactlyAsync(target, expected.Length));
    }

    [Fact]
    public async Task AcceptProxyRelaysTheBytesAfterTheHeaderAndLogsTheRealClient()
    {
        await using var backend = new Backend();
        await using RelayHarness relay = await RelayHarness.StartAsync(
            null,
            RelayHarness.Route("web", backend.Port, new AdmissionConfig
            {
                AcceptProxy = new AcceptProxyConfig { From = AddressRulesTests.Networks("127.0.0.0/24") },
                SendProxy = ProxyProtocolVersion.V1,
            }));

        using Socket balancer = await Clients.ConnectAsync(relay.Listen("web"), "127.0.0.7");
        await balancer.SendAsync("PROXY TCP4 203.0.113.9 198.51.100.1 5555 80\r\nhello"u8.ToArray(), SocketFlags.None, Ct);
        using Socket target = await backend.NextAsync();

        const string expected = "PROXY TCP4 203.0.113.9 198.51.100.1 5555 80\r\nhello";
        Assert.Equal(expected, Encoding.ASCII.GetString(await Backend.ReadExactlyAsync(target, expected.Length)));
        balancer.LingerState = new LingerOption(true, 0);
        balancer.Dispose();
        string end = Assert.Single(await relay.EndLinesAsync(1));
        Assert.Contains("203.0.113.9:5555", end, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptProxyV2SentByteByByteLeavesTheClientBytesForTheTarget()
    {
        await using var backend = new Backend();
        await using RelayHarness relay = await RelayHarness.StartAsync(
            null,
            RelayHarness.Route("web", backend.Port, AcceptFrom("127.0.0.1/32")));
        byte[] header =
        [
            0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A,
            0x21, 0x11, 0x00, 0x0C, 10, 1, 2, 3, 10, 0, 0, 1, 0x13, 0x88, 0x00, 0x50,
        ];

        using Socket balancer = await Clients.ConnectAsync(relay.Listen("web"));
        foreach (byte b in header)
        {
            await balancer.SendAsync(new[] { b }, SocketFlags.None, Ct);
            await Task.Delay(2, Ct);
        }

        await balancer.SendAsync("data"u8.ToArray(), SocketFlags.None, Ct);
        using Socket target = await backend.NextAsync();

        Assert.Equal("data"u8.ToArray(), await Backend.ReadExactlyAsync(target, 4));
    }

    [Fact]
    public async Task AcceptProxyV1InFragmentsLeavesTheClientBytesForTheTarget()
    {
        await using var backend = new Backend();
        await using RelayHarness relay = await RelayHarness.StartAsync(
            null,
            RelayHarness.Route("web", backend.Port, AcceptFrom("127.0.0.1/32")));

        using Socket balancer = await Clients.ConnectAsync(relay.Listen("web"));
        foreach (string part in new[] { "PRO", "XY TCP6 2001:db8", "::1 ::1 1 2\r", "\nSSH-2.0" })
        {
            await balancer.SendAsync(Encoding.ASCII.GetBytes(part), SocketFlags.None, Ct);
            await Task.Delay(20, Ct);
        }

        using Socket target = await backend.NextAsync();

        Assert.Equal("SSH-2.0"u8.ToArray(), await Backend.ReadExactlyAsync(target, 7));
    }

    [Fact]
    public async Task AcceptProxyFromAnUnlistedSourceIsRefusedWithoutDialing()
    {
        await using var backend = new Backend();
        await using RelayHarness relay = await RelayHarness.StartAsync(
            null,
            RelayHarness.Route("web", backend.Port, AcceptFrom("127.0.0.2/32")));

        using Socket stranger = await Clients.ConnectAsync(relay.Listen("web"), "127.0.0.3");
        await SendIgnoringResetAsync(stranger, "PROXY TCP4 10.0.0.1 10.0.0.2 1 2\r\nx"u8.ToArray());

        Assert.Equal(ClientView.Reset, await Clients.ObserveAsync(stranger, Settle));
        Assert.Equal(0, backend.Accepted);
        Assert.Contains("PROXY source not allowed", Assert.Single(relay.Logs.Log.Messages("ConnectionRefused")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllowListAppliesToTheClientTheHeaderNames()
    {
        await using var backend = new Backend();
        await using RelayHarness relay = await RelayHarness.StartAsync(
            null,
            RelayHarness.Route(
                "web", backend.Port, AcceptFrom("127.0.0.1/32") with { Allow = AddressRulesTests.Networks("203.0.113.0/24") }));

        using Socket outsider = await Clients.ConnectAsync(relay.Listen("web"));
        await SendIgnoringResetAsync(outsider, "PROXY TCP4 198.51.100.7 10.0.0.2 1 2\r\nx"u8.ToArray());
        Assert.Equal(ClientView.Reset, await Clients.ObserveAsync(outsider, Settle));
        Assert.Equal(0, backend.Accepted);

        using Socket insider = await Clients.ConnectAsync(relay.Listen("web"));
        await insider.SendAsync("PROXY TCP4 203.0.113.7 10.0.0.2 1 2\r\nx"u8.ToArray(), SocketFlags.None, Ct);
        using Socket target = await backend.NextAsync();
        Assert.Equal("x"u8.ToArray(), await Backend.ReadExactlyAsync(target, 1));
    }

    [Fact]
    public async Task MissingHeaderTimesOutWithoutDialing()
    {
        await using var backend = new Backend();
        var timeout = TimeSpan.FromMilliseconds(300);
        await using RelayHarness relay = await RelayHarness.StartAsync(
            null,
            RelayHarness.Route("web", backend.Port, AcceptFrom("127.0.0.1/32", timeout)));

        using Socket silent = await Clients.ConnectAsync(relay.Listen("web"));
        var watch = Stopwatch.StartNew();
        ClientView view = await Clients.ObserveAsync(silent, TimeSpan.FromSeconds(5));

        Assert.Equal(ClientView.Reset, view);
        Assert.InRange(watch.Elapsed, timeout * 0.8, timeout + TimeSpan.FromSeconds(3));
        Assert.Equal(0, backend.Accepted);
        Assert.Contains("PROXY header timeout", Assert.Single(relay.Logs.Log.Messages("ConnectionRefused")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FuzzedHeadersNeverDialAndNeverOutliveTheTimeout()
    {
        await using var backend = new Backend();
        var timeout = TimeSpan.FromMilliseconds(300);
        await using RelayHarness relay = await RelayHarness.StartAsync(
            null,
            RelayHarness.Route("fuzz", backend.Port, AcceptFrom("127.0.0.1/32", timeout)));
        var random = new Random(7);
        byte[][] seeds =
        [
            "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"u8.ToArray(),
            "PROXY TCP6 2001:db8::1 2001:db8::2 65535 0\r\n"u8.ToArray(),
            [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A,
                0x21, 0x11, 0x00, 0x0C, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 0, 2],
        ];
        var inputs = new List<byte[]>();
        while (inputs.Count < 120)
        {
            byte[] seed = seeds[random.Next(seeds.Length)];
            byte[] input = (inputs.Count % 4) switch
            {
                0 => ProxyHeaderParserTests.RandomBytes(random, random.Next(1, 200)),
                1 => ProxyHeaderParserTests.Mutate(random, seed),
                2 => seed[..random.Next(1, seed.Length - 1)],
                _ => [.. seed[..^2], .. ProxyHeaderParserTests.RandomBytes(random, random.Next(120, 4000))],
            };

            // Only inputs that hold no valid header: a lucky mutation may be valid, and would be dialed.
            if (ProxyHeaderParser.Parse(input, out _, out _) != ProxyParseStatus.Complete)
            {
                inputs.Add(input);
            }
        }

        var watch = Stopwatch.StartNew();
        foreach (byte[][] batch in inputs.Chunk(20))
        {
            ClientView[] views = await Task.WhenAll(batch.Select(async input =>
            {
                using Socket client = await Clients.ConnectAsync(relay.Listen("fuzz"));
                await SendIgnoringResetAsync(client, input);
                return await Clients.ObserveAsync(client, timeout + TimeSpan.FromSeconds(3));
            }));
            Assert.DoesNotContain(ClientView.Open, views);
        }

        Assert.Equal(0, backend.Accepted);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"took {watch.Elapsed}");
        Assert.Equal(inputs.Count, relay.Logs.Log.Messages("ConnectionRefused").Count());
        Assert.DoesNotContain(relay.Logs.Log.Events, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    }

    private static AdmissionConfig AcceptFrom(string networks, TimeSpan? timeout = null) => new()
    {
        AcceptProxy = new AcceptProxyConfig
        {
            From = AddressRulesTests.Networks(networks),
            Timeout = timeout ?? TimeSpan.FromSeconds(5),
        },
    };

    private static async Task SendIgnoringResetAsync(Socket socket, byte[] data)
    {
        try
        {
            await socket.SendAsync(data, SocketFlags.None, Ct);
        }
        catch (SocketException)
        {
            // Refused before or while sending: the observation that follows says so.
        }
    }
}
