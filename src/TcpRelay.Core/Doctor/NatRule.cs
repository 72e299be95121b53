using System.Net;

namespace TcpRelay.Doctor;

/// <summary>A rule that rewrites the destination of TCP connections (DNAT), from any rule source.</summary>
// Source: The tool it was read from: iptables-save, ip6tables-save, their -legacy- forms, or nft.
// Ports: Destination ports the rule matches; empty when it matches any port.
// ToPort: The new destination port; null keeps the original port.
// Text: The rule as the tool printed it, for the evidence line.
// DeleteCommand: The command that removes exactly this rule.
internal sealed record NatRule(
    string Source,
    string Chain,
    IReadOnlyList<PortRange> Ports,
    IPAddress ToAddress,
    int? ToPort,
    string Text,
    string DeleteCommand)
{
    public bool MatchesPort(int port) => Ports.Count > 0 && Ports.Any(range => range.Contains(port));

    /// <summary>Where a connection to <paramref name="port"/> ends up after this rule.</summary>
    public int DestinationPort(int port) => ToPort ?? port;
}
