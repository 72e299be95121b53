using System.Net;

namespace TcpRelay.Doctor;

/// <summary>What the NAT rules are compared against for one route.</summary>
// ListenPort: The route's listen port: a DNAT for it takes connections away from the relay.
// TargetPort: The port the route dials.
// Current: The addresses the route dials now (the container's current address).
// TargetName: How to name the target in a sentence: "container web", "the target".
// OtherContainers: Addresses of other containers: rules that point at them are theirs, not stale.
internal sealed record RuleExpectation(
    int ListenPort,
    int TargetPort,
    IReadOnlyList<IPAddress> Current,
    string TargetName,
    bool IsContainer,
    IReadOnlySet<IPAddress> OtherContainers);
