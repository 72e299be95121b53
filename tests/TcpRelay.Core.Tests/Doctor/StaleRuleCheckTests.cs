using System.Net;

namespace TcpRelay.Doctor;

public sealed class StaleRuleCheckTests
{
    private static readonly NatRuleSet Rules = new(
        IptablesSaveParser.Parse(Captured.Read("iptables-save-nft.txt"), "iptables-save"),
        ["iptables-save"],
        []);

    [Fact]
    public void ADnatForTheListenPortToAnotherAddressFails()
    {
        var expected = new RuleExpectation(
            9000, 8080, [IPAddress.Parse("198.18.5.3")], "container web", true, new HashSet<IPAddress>());

        IReadOnlyList<Finding> findings = StaleRuleCheck.Run(Rules, expected);

        Finding first = findings[0];
        Assert.Equal(FindingStatus.Failure, first.Status);
        Assert.Equal(
            "DNAT for :9000 points to 198.18.77.3:8080, container web is at 198.18.5.3", first.Summary);
        Assert.Equal(2, findings.Count(f => f.Summary.StartsWith("DNAT for :9000 ", StringComparison.Ordinal)));
    }

    [Fact]
    public void ADnatForTheListenPortToTheTargetItselfIsAWarning()
    {
        var expected = new RuleExpectation(
            9000, 8080, [IPAddress.Parse("198.18.77.3")], "container web", true, new HashSet<IPAddress>());

        Finding finding = StaleRuleCheck.Run(Rules, expected)[0];

        Assert.Equal(FindingStatus.Warning, finding.Status);
        Assert.Contains("past the relay", finding.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void RulesForOtherPortsAndOtherContainersAreNotReported()
    {
        var others = new HashSet<IPAddress> { IPAddress.Parse("198.18.77.5") };
        var expected = new RuleExpectation(
            9100, 80, [IPAddress.Parse("198.18.5.3")], "container web", true, others);

        Finding finding = Assert.Single(StaleRuleCheck.Run(Rules, expected));

        Assert.Equal(FindingStatus.Ok, finding.Status);
    }

    [Fact]
    public void ADnatToTheContainerPortAtAnAddressNoContainerHasIsAWarning()
    {
        var expected = new RuleExpectation(
            9100, 80, [IPAddress.Parse("198.18.5.3")], "container web", true, new HashSet<IPAddress>());

        Finding finding = Assert.Single(StaleRuleCheck.Run(Rules, expected));

        Assert.Equal(FindingStatus.Warning, finding.Status);
        Assert.Equal(
            "DNAT for :9002-9005 points to 198.18.77.5:80, container web is at 198.18.5.3",
            finding.Summary);
    }

    [Fact]
    public void AnUnreadableSourceIsAWarningThatSaysWhy()
    {
        var rules = new NatRuleSet([], [], ["iptables-save needs root (CAP_NET_ADMIN): Permission denied"]);
        var expected = new RuleExpectation(9000, 80, [], "the target", false, new HashSet<IPAddress>());

        Finding finding = Assert.Single(StaleRuleCheck.Run(rules, expected));

        Assert.Equal(FindingStatus.Warning, finding.Status);
        Assert.Contains("needs root", finding.Summary, StringComparison.Ordinal);
    }
}
