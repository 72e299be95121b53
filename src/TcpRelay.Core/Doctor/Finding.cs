namespace TcpRelay.Doctor;

/// <summary>
/// One thing the doctor looked at: what it concluded (<see cref="Summary"/>, one line), what it
/// saw that made it say so, and what an operator can do about it.
/// </summary>
// Check: A short stable name: listener, docker, container, routing, rules, reach-host, reach-inside.
internal sealed record Finding(
    string Check, FindingStatus Status, string Summary, string? Evidence = null, string? Fix = null)
{
    public static Finding Ok(string check, string summary, string? evidence = null) =>
        new(check, FindingStatus.Ok, summary, evidence);

    public static Finding Warning(string check, string summary, string? evidence = null, string? fix = null) =>
        new(check, FindingStatus.Warning, summary, evidence, fix);

    public static Finding Failure(string check, string summary, string? evidence = null, string? fix = null) =>
        new(check, FindingStatus.Failure, summary, evidence, fix);
}
