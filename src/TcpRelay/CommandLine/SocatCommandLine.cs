using TcpRelay.Configuration;

namespace TcpRelay.CommandLine;

/// <summary>
/// <c>tcprelay [-d...] [-t s] [-T s] LISTEN-ADDRESS CONNECT-ADDRESS</c>: socat's syntax for TCP
/// forwarding, turned into a one-route configuration. Anything tcprelay does not support is an
/// error that names it; nothing is silently ignored.
/// </summary>
internal static class SocatCommandLine
{
    public const string RouteName = "socat";

    /// <summary>Parses the arguments; null when help was asked for.</summary>
    public static SocatInvocation? Parse(IReadOnlyList<string> args)
    {
        int verbosity = 0;
        var connection = new SocatConnectionSettings();
        var addresses = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (addresses.Count > 0 || arg.Length < 2 || arg[0] != '-')
            {
                addresses.Add(arg);
            }
            else if (arg is "-h" or "-?" or "--help")
            {
                return null;
            }
            else if (arg.AsSpan(1).TrimStart('d').IsEmpty)
            {
                verbosity += arg.Length - 1; // -d -d and -dd both count twice
            }
            else if (arg.StartsWith("-t", StringComparison.Ordinal))
            {
                connection.HalfCloseTimeout = SocatValues.Seconds("-t", OptionValue(args, ref i));
            }
            else if (arg.StartsWith("-T", StringComparison.Ordinal))
            {
                connection.IdleTimeout = SocatValues.Seconds("-T", OptionValue(args, ref i));
            }
            else
            {
                throw new CommandLineException($"option '{arg}' is not supported (supported: -d, -t, -T, -h)");
            }
        }

        if (addresses.Count != 2)
        {
            throw new CommandLineException(
                $"expected two addresses, got {addresses.Count}: tcprelay TCP-LISTEN:9000,fork TCP:127.0.0.1:8080");
        }

        RelayConfig config = Build(SocatAddress.Parse(addresses[0]), SocatAddress.Parse(addresses[1]), connection);
        return new SocatInvocation(config, verbosity);
    }

    private static RelayConfig Build(SocatAddress first, SocatAddress second, SocatConnectionSettings connection)
    {
        CheckTypes(first, second);
        (ListenConfig listen, AdmissionConfig admission) = SocatListenAddress.Read(first, connection);
        TargetConfig target = SocatConnectAddress.Read(second, connection);
        var config = new RelayConfig
        {
            Routes = new Dictionary<string, RouteConfig>
            {
                [RouteName] = new RouteConfig
                {
                    Name = RouteName,
                    Listen = listen,
                    Target = target,
                    Connection = connection.Build(),
                    Admission = admission,
                },
            },

            // A one-off relay has no status socket: several may run side by side.
            StatusSocket = null,
        };
        IReadOnlyList<ConfigError> errors = ConfigValidator.Validate(config);
        return errors.Count == 0
            ? config
            : throw new CommandLineException(string.Join("; ", errors.Select(e => e.Message)));
    }

    private static void CheckTypes(SocatAddress first, SocatAddress second)
    {
        foreach (SocatAddress address in new[] { first, second })
        {
            if (!SocatListenAddress.IsListen(address.Type) && !SocatConnectAddress.IsConnect(address.Type))
            {
                throw new CommandLineException(
                    $"address type '{address.Type}' is not supported; tcprelay relays TCP: "
                    + "TCP-LISTEN, TCP4-LISTEN, TCP6-LISTEN (or TCP-L...) then TCP, TCP4, TCP6, "
                    + "or its own DOCKER and NETNS");
            }
        }

        if (!SocatListenAddress.IsListen(first.Type) || !SocatConnectAddress.IsConnect(second.Type))
        {
            throw new CommandLineException(
                $"the first address must listen and the second connect (got {first.Type} then {second.Type}): "
                + "tcprelay TCP-LISTEN:9000,fork TCP:127.0.0.1:8080");
        }
    }

    // socat takes "-t 0.5" and "-t0.5".
    private static string? OptionValue(IReadOnlyList<string> args, ref int i)
    {
        string arg = args[i];
        if (arg.Length > 2)
        {
            return arg[2..];
        }

        return ++i < args.Count ? args[i] : null;
    }
}
