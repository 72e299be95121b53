using TcpRelay.Configuration;

namespace TcpRelay.CommandLine;

/// <summary>
/// tcprelay's own address types, not socat's: <c>DOCKER:container:port[,network=N][,via=...]</c>
/// and <c>NETNS:/path:host:port</c>.
/// </summary>
internal static class SocatExtensionAddress
{
    public static ContainerTarget ReadDocker(SocatAddress address, IEnumerable<SocatOption> options)
    {
        int colon = address.Parameters.LastIndexOf(':');
        if (colon <= 0 || !EndPointSyntax.TryParsePort(address.Parameters[(colon + 1)..], out int port))
        {
            throw new CommandLineException(
                $"DOCKER needs a container and a port (DOCKER:web:8080), not '{address.Parameters}'");
        }

        var target = new ContainerTarget { Container = address.Parameters[..colon], Port = port };
        foreach (SocatOption option in options)
        {
            target = option.Name switch
            {
                "network" => target with { Network = SocatValues.Required(option) },
                "via" => target with { Via = Via(option) },
                _ => throw new CommandLineException(
                    $"option '{option.Name}' is not supported on DOCKER "
                    + "(supported: network, via, connect-timeout, keepalive, nodelay)"),
            };
        }

        return target;
    }

    public static NamespaceTarget ReadNamespace(SocatAddress address, IEnumerable<SocatOption> options)
    {
        int colon = address.Parameters.IndexOf(':', StringComparison.Ordinal);
        string path = colon < 0 ? address.Parameters : address.Parameters[..colon];
        if (colon < 0 || !Path.IsPathFullyQualified(path)
            || !EndPointSyntax.TryParseTarget(
                address.Parameters[(colon + 1)..], out string host, out int port, out _))
        {
            throw new CommandLineException(
                $"NETNS needs a namespace path, host and port (NETNS:/var/run/netns/app:127.0.0.1:8080), "
                + $"not '{address.Parameters}'");
        }

        if (options.FirstOrDefault() is { } unsupported)
        {
            throw new CommandLineException(
                $"option '{unsupported.Name}' is not supported on NETNS "
                + "(supported: connect-timeout, keepalive, nodelay)");
        }

        return new NamespaceTarget { Netns = path, Host = host, Port = port };
    }

    private static TargetVia Via(SocatOption option) => SocatValues.Required(option).ToLowerInvariant() switch
    {
        "bridge" => TargetVia.Bridge,
        "namespace" => TargetVia.Namespace,
        "auto" => TargetVia.Auto,
        _ => throw SocatValues.Bad(option, "must be bridge, namespace or auto"),
    };
}
