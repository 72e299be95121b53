using System.Net;

namespace TcpRelay.Doctor;

/// <summary>
/// Finds NAT rules that send the route's traffic somewhere it should not go: a DNAT for the listen
/// port (it diverts connections before the relay sees them), and, for a container, a DNAT to the
/// container's port at an address the container no longer has (left behind by a recreate).
/// </summary>
internal static class StaleRuleCheck
{
    public const string Name = "rules";

    public static IReadOnlyList<Finding> Run(NatRuleSet ruleSet, RuleExpectation expected)
    {
        var findings = new List<Finding>();
        string current = string.Join(", ", expected.Current);
        string where = (expected.IsContainer, expected.Current.Count) switch
        {
            (true, 0) => $"{expected.TargetName} has no address now",
            (true, _) => $"{expected.TargetName} is at {current}",
            _ => $"the target is {current}",
        };
        var reported = new HashSet<NatRule>();

        foreach (NatRule rule in ruleSet.Rules.Where(r => r.MatchesPort(expected.ListenPort)))
        {
            reported.Add(rule);
            string to = Destination(rule, expected.ListenPort);
            string port = $":{expected.ListenPort}";
            if (PointsAtTarget(rule, expected.ListenPort, expected))
            {
                findings.Add(Finding.Warning(
                    Name, $"DNAT for {port} sends connections to {to} directly, past the relay",
                    Evidence(rule),
                    $"remove it if the relay should see these connections: {rule.DeleteCommand}"));
            }
            else
            {
                findings.Add(Finding.Failure(
                    Name, $"DNAT for {port} points to {to}, {where}", Evidence(rule),
                    $"delete the stale rule: {rule.DeleteCommand}"));
            }
        }

        if (expected.IsContainer)
        {
            IEnumerable<NatRule> stale = ruleSet.Rules.Where(
                r => !reported.Contains(r) && IsStaleForContainer(r, expected));
            foreach (NatRule rule in stale)
            {
                findings.Add(Finding.Warning(
                    Name,
                    $"DNAT for :{Ports(rule)} points to {Destination(rule, expected.TargetPort)}, {where}",
                    Evidence(rule) + "; no container has that address now",
                    $"if it was for {expected.TargetName}, delete it: {rule.DeleteCommand}"));
            }
        }

        if (ruleSet.Problems.Count > 0)
        {
            bool root = Environment.UserName == "root";
            string summary = root
                ? $"cannot read every NAT rule: {ruleSet.Problems[0]}"
                : "cannot read every NAT rule: reading them needs root (CAP_NET_ADMIN)";
            findings.Add(Finding.Warning(Name, summary, string.Join("; ", ruleSet.Problems),
                root ? null : "run tcprelay doctor as root"));
        }

        if (findings.Count == 0)
        {
            findings.Add(Finding.Ok(
                Name,
                $"no NAT rule diverts :{expected.ListenPort}"
                    + (expected.IsContainer ? $" or points :{expected.TargetPort} elsewhere" : ""),
                $"read {string.Join(", ", ruleSet.Read)}: {ruleSet.Rules.Count} DNAT rules"));
        }

        return findings;
    }

    private static bool PointsAtTarget(NatRule rule, int port, RuleExpectation expected) =>
        expected.Current.Contains(rule.ToAddress) && rule.DestinationPort(port) == expected.TargetPort;

    /// <summary>The rule forwards to the container's port at an address no container has.</summary>
    private static bool IsStaleForContainer(NatRule rule, RuleExpectation expected) =>
        (rule.ToPort == expected.TargetPort || (rule.ToPort is null && rule.MatchesPort(expected.TargetPort)))
        && !expected.Current.Contains(rule.ToAddress)
        && !expected.OtherContainers.Contains(rule.ToAddress)
        && expected.Current.Count > 0
        && expected.Current.All(a => a.AddressFamily == rule.ToAddress.AddressFamily);

    private static string Destination(NatRule rule, int port) =>
        new IPEndPoint(rule.ToAddress, rule.DestinationPort(port)).ToString();

    private static string Ports(NatRule rule) =>
        string.Join(",", rule.Ports.Select(p => p.Low == p.High ? $"{p.Low}" : $"{p.Low}-{p.High}"));

    private static string Evidence(NatRule rule) => $"{rule.Source}: {rule.Text}";
}
