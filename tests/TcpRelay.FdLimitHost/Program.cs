using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using TcpRelay.Configuration;
using TcpRelay.FdLimitHost;
using TcpRelay.Serving;
using TcpRelay.Targets;

// Relays 127.0.0.1:<ephemeral> to 127.0.0.1:<args[0]>, prints "LISTENING <port>", writes every
// log event to stdout as "<event id> <level> <message>", and stops when stdin closes.
int targetPort = int.Parse(args[0], CultureInfo.InvariantCulture);
using var log = new StdoutLog();
using ILoggerFactory loggerFactory = LoggerFactory.Create(
    builder => builder.AddProvider(log).SetMinimumLevel(LogLevel.Debug));
await using var server = new RelayServer(loggerFactory, [new AddressDialerFactory()]);
var route = new RouteConfig
{
    Name = "fdlimit",
    Listen = new ListenConfig { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) },
    Target = new AddressTarget { Host = "127.0.0.1", Port = targetPort },
};
await server.StartAsync(
    new RelayConfig { Routes = new Dictionary<string, RouteConfig> { [route.Name] = route } },
    CancellationToken.None);
Console.WriteLine($"LISTENING {server.Routes[0].Listen!.Port}");
await Console.In.ReadToEndAsync();
await server.StopAsync(TimeSpan.Zero, CancellationToken.None);
