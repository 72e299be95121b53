using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TcpRelay.Configuration;
using TcpRelay.Serving;
using TcpRelay.Targets;

namespace TcpRelay.TestSupport;

/// <summary>A <see cref="RelayServer"/> running one route in-process, with its log captured.</summary>
internal sealed class RelayFixture : IAsyncDisposable
{
    public const string RouteName = "test";

    /// <summary>EventId of the one line that ends every connection.</summary>
    public const int ConnectionEndedEvent = 200;

    private readonly ILoggerFactory _loggerFactory;

    private RelayFixture(RelayServer server, CapturingLoggerProvider logs, ILoggerFactory loggerFactory)
    {
        Server = server;
        Logs = logs;
        _loggerFactory = loggerFactory;
    }

    public RelayServer Server { get; }

    public CapturingLoggerProvider Logs { get; }

    public IPEndPoint EndPoint => Server.Routes[0].Listen!;

    public static RouteConfig Route(
        IPEndPoint target, ConnectionOptions? connection = null, ListenConfig? listen = null) => new()
        {
            Name = RouteName,
            Listen = listen ?? new ListenConfig { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) },
            Target = new AddressTarget { Host = target.Address.ToString(), Port = target.Port },
            Connection = connection ?? new ConnectionOptions(),
        };

    public static async Task<RelayFixture> StartAsync(
        IPEndPoint target,
        ConnectionOptions? connection = null,
        ListenConfig? listen = null,
        TimeProvider? timeProvider = null)
    {
        var logs = new CapturingLoggerProvider();
        ILoggerFactory loggerFactory = logs.CreateFactory();
        var server = new RelayServer(loggerFactory, [new AddressDialerFactory()], timeProvider);
        RouteConfig route = Route(target, connection, listen);
        await server.StartAsync(
            new RelayConfig { Routes = new Dictionary<string, RouteConfig> { [route.Name] = route } },
            TestContext.Current.CancellationToken);
        return new RelayFixture(server, logs, loggerFactory);
    }

    /// <summary>
    /// A client connected to the relay. Buffer sizes and the maximum segment size are set before
    /// connecting.
    /// </summary>
    public async Task<Socket> ConnectAsync(
        int? sendBufferSize = null, int? receiveBufferSize = null, int? maxSegmentSize = null)
    {
        IPEndPoint endPoint = EndPoint;
        if (endPoint.Address.Equals(IPAddress.Any))
        {
            endPoint = new IPEndPoint(IPAddress.Loopback, endPoint.Port);
        }
        else if (endPoint.Address.Equals(IPAddress.IPv6Any))
        {
            endPoint = new IPEndPoint(IPAddress.IPv6Loopback, endPoint.Port);
        }

        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (sendBufferSize is { } send)
        {
            socket.SendBufferSize = send;
        }

        if (receiveBufferSize is { } receive)
        {
            socket.ReceiveBufferSize = receive;
        }

        if (maxSegmentSize is { } mss)
        {
            const int IpProtoTcp = 6, TcpMaxSeg = 2;
            socket.SetRawSocketOption(IpProtoTcp, TcpMaxSeg, BitConverter.GetBytes(mss));
        }

        using CancellationTokenSource cts = Bounded.Within(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(endPoint, cts.Token);
        return socket;
    }

    /// <summary>The end-of-connection line of the first connection that ended.</summary>
    public Task<CapturedEntry> ConnectionEndedAsync(TimeSpan timeout) =>
        Logs.WaitForAsync(ConnectionEndedEvent, timeout);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _loggerFactory.Dispose();
    }
}
