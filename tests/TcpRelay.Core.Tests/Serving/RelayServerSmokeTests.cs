using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using TcpRelay.Configuration;
using TcpRelay.Targets;

namespace TcpRelay.Serving;

public sealed class RelayServerSmokeTests
{
    [Fact]
    public async Task EchoThroughRelayReturnsEveryByte()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        using var backend = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        backend.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        backend.Listen();
        var backendPort = ((IPEndPoint)backend.LocalEndPoint!).Port;
        Task echo = Task.Run(async () =>
        {
            using Socket s = await backend.AcceptAsync(ct);
            var buffer = new byte[65536];
            int n;
            while ((n = await s.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0)
            {
                await s.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, ct);
            }

            s.Shutdown(SocketShutdown.Send);
        }, ct);

        var config = new RelayConfig
        {
            Routes = new Dictionary<string, RouteConfig>
            {
                ["smoke"] = new()
                {
                    Name = "smoke",
                    Listen = new ListenConfig { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) },
                    Target = new AddressTarget { Host = "127.0.0.1", Port = backendPort },
                },
            },
        };
        await using var server = new RelayServer(NullLoggerFactory.Instance, [new AddressDialerFactory()]);
        await server.StartAsync(config, ct);
        IPEndPoint relay = server.Routes[0].Listen!;

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(relay, ct);
        byte[] data = new byte[4 * 1024 * 1024];
        Random.Shared.NextBytes(data);
        Task send = Task.Run(async () =>
        {
            await client.SendAsync(data, SocketFlags.None, ct);
            client.Shutdown(SocketShutdown.Send);
        }, ct);
        using var received = new MemoryStream();
        var chunk = new byte[65536];
        int read;
        while ((read = await client.ReceiveAsync(chunk, SocketFlags.None, ct)) > 0)
        {
            received.Write(chunk, 0, read);
        }

        await send;
        await echo;
        Assert.Equal(data, received.ToArray());
    }
}
