using System.Net;
using System.Net.Sockets;
using TcpRelay.Admission;
using TcpRelay.Configuration;

namespace TcpRelay.CommandLine;

/// <summary>
/// <c>TCP-LISTEN:port</c>, <c>TCP4-LISTEN</c>, <c>TCP6-LISTEN</c> and socat's short forms
/// (<c>TCP-L</c>...): the listening side of the socat-style command line.
/// </summary>
internal static class SocatListenAddress
{
    public static bool IsListen(string type) => Family(type) is not null;

    public static (ListenConfig Listen, AdmissionConfig Admission) Read(
        SocatAddress address, SocatConnectionSettings connection)
    {
        AddressFamily? family = Family(address.Type);
        if (!EndPointSyntax.TryParsePort(address.Parameters, out int port))
        {
            throw new CommandLineException(
                $"{address.Type} needs a port from 1 to 65535 ({address.Type}:9000), not '{address.Parameters}'");
        }

        IPAddress? bind = null;
        // As socat: without "fork", one connection is relayed and then the program exits.
        var listen = new ListenConfig { EndPoint = new IPEndPoint(IPAddress.Any, port), Fork = false };
        var admission = new AdmissionConfig();
        var allow = new List<IPNetwork>();
        foreach (SocatOption option in address.Options)
        {
            if (connection.TryApply(option))
            {
                continue;
            }

            switch (option.Name)
            {
                case "fork":
                    listen = listen with { Fork = SocatValues.Flag(option) };
                    break;
                case "reuseaddr" or "so-reuseaddr":
                    listen = listen with { ReuseAddress = SocatValues.Flag(option) };
                    break;
                case "reuseport" or "so-reuseport":
                    listen = listen with { ReusePort = SocatValues.Flag(option) };
                    break;
                case "ipv6only" or "ipv6-v6only":
                    listen = listen with { IPv6Only = SocatValues.Flag(option) };
                    break;
                case "backlog":
                    listen = listen with { Backlog = SocatValues.Int(option, 1, 65535) };
                    break;
                case "max-children":
                    admission = admission with { MaxConnections = SocatValues.Int(option, 1, int.MaxValue) };
                    break;
                case "bind":
                    bind = SocatValues.Address(option);
                    break;
                case "range":
                    // socat applies the first range= and only warns about the others; allowing every
                    // one would let in more than socat does with the same line, so refuse instead.
                    allow.Add(allow.Count == 0
                        ? Range(option)
                        : throw SocatValues.Bad(option, "may be given once (socat applies only the first)"));
                    break;
                default:
                    throw Unsupported(address, option);
            }
        }

        IPAddress listenAddress = ListenAddress(address.Type, family, bind);
        if (listen.IPv6Only && listenAddress.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new CommandLineException(
                "option 'ipv6only' applies to an IPv6 listener (TCP6-LISTEN or bind=[::1])");
        }

        return (listen with { EndPoint = new IPEndPoint(listenAddress, port) }, admission with { Allow = allow });
    }

    private static IPAddress ListenAddress(string type, AddressFamily? family, IPAddress? bind)
    {
        if (bind is null)
        {
            // As socat: TCP-LISTEN and TCP4-LISTEN take IPv4, TCP6-LISTEN takes [::] (dual-stack).
            return family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
        }

        if (family is { } f && f != AddressFamily.Unspecified && bind.AddressFamily != f)
        {
            throw new CommandLineException($"bind={bind} is not an address of the family {type} listens on");
        }

        return bind;
    }

    // socat's own reading: address/bits, address:mask, [ip6]/bits; host bits are masked off.
    private static IPNetwork Range(SocatOption option) =>
        SocatRange.TryParse(SocatValues.Required(option), out IPNetwork? network)
            ? network.Value
            : throw SocatValues.Bad(option, "needs a network such as 10.0.0.0/8 or 10.0.0.0:255.0.0.0");

    private static AddressFamily? Family(string type) => type switch
    {
        "TCP-LISTEN" or "TCP-L" => AddressFamily.Unspecified,
        "TCP4-LISTEN" or "TCP4-L" => AddressFamily.InterNetwork,
        "TCP6-LISTEN" or "TCP6-L" => AddressFamily.InterNetworkV6,
        _ => null,
    };

    private static CommandLineException Unsupported(SocatAddress address, SocatOption option) =>
        new($"option '{option.Name}' is not supported on {address.Type} (supported: fork, reuseaddr, reuseport, "
            + "bind, backlog, max-children, range, keepalive, nodelay, ipv6only)");
}
