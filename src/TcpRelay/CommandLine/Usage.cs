using System.Reflection;

namespace TcpRelay.CommandLine;

/// <summary>The help text and version line.</summary>
internal static class Usage
{
    public const string Text = """
        Usage:
          tcprelay run [--config PATH] [-d...]    serve every route of relay.json
          tcprelay check [--config PATH]          validate relay.json, print every error
          tcprelay doctor [--config PATH] [--json] [--timeout S] [ROUTE...]
                                                  find why a route does not work (exit 0/1/2)
          tcprelay status ...                     show a running service's routes (when built in)
          tcprelay [-d...] [-t S] [-T S] LISTEN-ADDRESS CONNECT-ADDRESS
                                                  socat-style: relay one listening address to a target
          tcprelay --version | -h | --help

        relay.json: --config PATH, else ./relay.json, else /etc/tcprelay/relay.json.

        socat-style addresses (keywords are case-insensitive):
          TCP-LISTEN:PORT, TCP4-LISTEN:PORT, TCP6-LISTEN:PORT (also TCP-L, TCP4-L, TCP6-L)
              options: fork reuseaddr reuseport ipv6only keepalive nodelay
                       bind=ADDR backlog=N max-children=N range=NET (10.0.0.0/8 or 10.0.0.0:255.0.0.0)
          TCP:HOST:PORT, TCP4:HOST:PORT, TCP6:[ADDR]:PORT
              options: connect-timeout=S bind=ADDR[:PORT] sourceport=N keepalive nodelay
          DOCKER:CONTAINER:PORT[,network=NAME][,via=bridge|namespace|auto]   (tcprelay's own)
          NETNS:/PATH:HOST:PORT                                            (tcprelay's own)
          -d  more logging (-d -d: one line per connection)   -t S  half-close timeout
          -T S  idle timeout    (S: seconds)

        Without fork, tcprelay relays one connection and exits, as socat does.
        """;

    public static string Version =>
        "tcprelay " + (typeof(Usage).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()
            ?.InformationalVersion ?? "unknown");
}
