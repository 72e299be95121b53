using System.Net;

namespace TcpRelay.Doctor;

public sealed class NftRulesetParserTests
{
    private readonly IReadOnlyList<NatRule> _rules = NftRulesetParser.Parse(Captured.Read("nft-ruleset.json"));

    [Fact]
    public void ReadsNativeDnatRulesAndSkipsIptablesNftOnes()
    {
        // The capture holds four iptables-nft DNAT rules (opaque "xt" targets), four native
        // dnat rules and one redirect: only the native dnat rules carry an address.
        Assert.Equal(
            ["198.18.77.9", "198.18.77.10", "198.18.77.11", "198.18.77.12"],
            _rules.Select(r => r.ToAddress.ToString()));
    }

    [Fact]
    public void NamesTheRuleByHandleForDeletion()
    {
        NatRule rule = _rules[0];

        Assert.Equal([PortRange.Single(9000)], rule.Ports);
        Assert.Equal(8080, rule.ToPort);
        Assert.Equal("nft delete rule ip relaytest pre handle 2", rule.DeleteCommand);
    }

    [Fact]
    public void ReadsPortSetsRangesAndInetTables()
    {
        Assert.Equal([PortRange.Single(9010), PortRange.Single(9011)], _rules[1].Ports);
        Assert.Null(_rules[1].ToPort);
        Assert.Equal([new PortRange(9020, 9030)], _rules[2].Ports);
        Assert.Equal("inet t6 pre", _rules[3].Chain);
        Assert.Equal(IPAddress.Parse("198.18.77.12"), _rules[3].ToAddress);
    }
}
