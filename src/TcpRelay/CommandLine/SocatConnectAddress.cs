using System.Net;
using System.Net.Sockets;
using TcpRelay.Configuration;

namespace TcpRelay.CommandLine;

/// <summary>
/// The connecting side: socat's <c>TCP:host:port</c>, <c>TCP4</c>, <c>TCP6</c>, and tcprelay's own
/// <c>DOCKER:container:port</c> and <c>NETNS:/path:host:port</c>.
/// </summary>
internal static class SocatConnectAddress
{
    public static bool IsConnect(string type) => type is "TCP" or "TCP4" or "TCP6" or "DOCKER" or "NETNS";

    public static TargetConfig Read(SocatAddress address, SocatConnectionSettings connection)
    {
        var rest = new List<SocatOption>();
        foreach (SocatOption option in address.Options)
        {
            if (connection.TryApply(option))
            {
                continue;
            }

            if (option.Name == "connect-timeout")
            {
                connection.ConnectTimeout = SocatValues.Seconds("connect-timeout", option.Value);
                continue;
            }

            rest.Add(option);
        }

        return address.Type switch
        {
            "DOCKER" => SocatExtensionAddress.ReadDocker(address, rest),
            "NETNS" => SocatExtensionAddress.ReadNamespace(address, rest),
            _ => ReadTcp(address, rest),
        };
    }

    private static AddressTarget ReadTcp(SocatAddress address, List<SocatOption> options)
    {
        AddressFamily? family = address.Type switch
        {
            "TCP4" => AddressFamily.InterNetwork,
            "TCP6" => AddressFamily.InterNetworkV6,
            _ => null,
        };
        if (!EndPointSyntax.TryParseTarget(address.Parameters, out string host, out int port, out string error))
        {
            throw new CommandLineException($"{address.Type}: {error}");
        }

        if (family is { } f && IPAddress.TryParse(host, out IPAddress? literal) && literal.AddressFamily != f)
        {
            throw new CommandLineException(
                $"{address.Type} cannot connect to {host}: not an address of that family");
        }

        IPAddress? bind = null;
        int? sourcePort = null;
        foreach (SocatOption option in options)
        {
            switch (option.Name)
            {
                case "bind":
                    (bind, sourcePort) = ReadBind(option, sourcePort);
                    break;
                case "sourceport" or "sp":
                    sourcePort = SocatValues.Int(option, 1, 65535);
                    break;
                default:
                    throw new CommandLineException(
                        $"option '{option.Name}' is not supported on {address.Type} "
                        + "(supported: connect-timeout, bind, sourceport, keepalive, nodelay)");
            }
        }

        return new AddressTarget
        {
            Host = host, Port = port, Family = family, BindAddress = bind, SourcePort = sourcePort,
        };
    }

    /// <summary>socat's <c>bind=ADDR</c> or <c>bind=ADDR:PORT</c> on a connecting address.</summary>
    private static (IPAddress Bind, int? SourcePort) ReadBind(SocatOption option, int? sourcePort)
    {
        string value = SocatValues.Required(option);
        if (EndPointSyntax.TryParseAddress(value, out IPAddress plain))
        {
            return (plain, sourcePort);
        }

        if (EndPointSyntax.TrySplitHostPort(value, out string host, out string port)
            && EndPointSyntax.TryParseAddress(host, out IPAddress address)
            && EndPointSyntax.TryParsePort(port, out int p))
        {
            return (address, p);
        }

        throw SocatValues.Bad(option, "needs a local IP address, optionally with :port");
    }
}
