namespace TcpRelay.Doctor;

/// <summary>Everything the doctor found about one route, in the order the checks are listed.</summary>
internal sealed record RouteDiagnosis(
    string Route, string Listen, string Target, IReadOnlyList<Finding> Findings)
{
    public FindingStatus Status => Findings.Count == 0 ? FindingStatus.Ok : Findings.Max(f => f.Status);
}
