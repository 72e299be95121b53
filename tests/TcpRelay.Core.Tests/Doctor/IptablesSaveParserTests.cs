using System.Net;

namespace TcpRelay.Doctor;

public sealed class IptablesSaveParserTests
{
    [Fact]
    public void ReadsEveryDnatRuleOfTheNatTable()
    {
        IReadOnlyList<NatRule> rules =
            IptablesSaveParser.Parse(Captured.Read("iptables-save-nft.txt"), "iptables-save");

        Assert.Equal(4, rules.Count);
        NatRule prerouting = rules[0];
        Assert.Equal("PREROUTING", prerouting.Chain);
        Assert.Equal([PortRange.Single(9000)], prerouting.Ports);
        Assert.Equal(IPAddress.Parse("198.18.77.3"), prerouting.ToAddress);
        Assert.Equal(8080, prerouting.ToPort);
        Assert.Equal(
            "iptables -t nat -D PREROUTING -p tcp -m tcp --dport 9000 "
                + "-j DNAT --to-destination 198.18.77.3:8080",
            prerouting.DeleteCommand);
    }

    [Fact]
    public void KeepsTheOriginalPortWhenTheRuleNamesNone()
    {
        NatRule rule = IptablesSaveParser.Parse(Captured.Read("iptables-save-nft.txt"), "iptables-save")[2];

        Assert.Equal("DOCKER", rule.Chain);
        Assert.Null(rule.ToPort);
        Assert.Equal(9001, rule.DestinationPort(9001));
    }

    [Fact]
    public void ReadsPortRangesAndTheFirstAddressOfARange()
    {
        NatRule rule = IptablesSaveParser.Parse(Captured.Read("iptables-save-nft.txt"), "iptables-save")[3];

        Assert.True(rule.MatchesPort(9002));
        Assert.True(rule.MatchesPort(9005));
        Assert.False(rule.MatchesPort(9006));
        Assert.Equal(IPAddress.Parse("198.18.77.5"), rule.ToAddress);
        Assert.Equal(80, rule.ToPort);
    }

    [Fact]
    public void LegacyBackendRulesAreDeletedWithTheLegacyTool()
    {
        NatRule rule = Assert.Single(
            IptablesSaveParser.Parse(Captured.Read("iptables-save-legacy.txt"), "iptables-legacy-save"));

        Assert.StartsWith(
            "iptables-legacy -t nat -D PREROUTING ", rule.DeleteCommand, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadsIPv6RulesWithAndWithoutBrackets()
    {
        IReadOnlyList<NatRule> rules =
            IptablesSaveParser.Parse(Captured.Read("ip6tables-save-nft.txt"), "ip6tables-save");

        Assert.Equal(5, rules.Count);
        Assert.Equal(IPAddress.Parse("fd00:198:18::7"), rules[0].ToAddress);
        Assert.Equal(8080, rules[0].ToPort);
        Assert.Equal(IPAddress.Parse("fd00:198:18::8"), rules[1].ToAddress);
        Assert.Null(rules[1].ToPort);
        Assert.True(rules[2].MatchesPort(9004));
        Assert.Equal(IPAddress.Parse("fd00:198:18::9"), rules[2].ToAddress);
        Assert.Equal(80, rules[2].ToPort);
        Assert.Equal(IPAddress.Parse("fd00:198:18::b"), rules[3].ToAddress);
        Assert.Null(rules[3].ToPort);
        Assert.Equal("OUTPUT", rules[4].Chain);
        Assert.Equal(
            "ip6tables -t nat -D OUTPUT -d ::1/128 -p tcp -m tcp --dport 9000 "
                + "-j DNAT --to-destination [fd00:198:18::7]:8080",
            rules[4].DeleteCommand);
    }

    [Fact]
    public void IgnoresOtherTablesAndNegatedPorts()
    {
        const string text = """
            *filter
            -A INPUT -p tcp --dport 9000 -j DNAT --to-destination 198.18.1.1:1
            COMMIT
            *nat
            -A PREROUTING -p tcp ! --dport 9000 -j DNAT --to-destination 198.18.1.2:1
            -A POSTROUTING -s 198.18.0.0/24 -j MASQUERADE
            COMMIT
            """;

        Assert.Empty(IptablesSaveParser.Parse(text, "iptables-save"));
    }
}
