namespace TcpRelay.Doctor;

/// <summary>The doctor's answer for every route it examined.</summary>
internal sealed record DoctorReport(IReadOnlyList<RouteDiagnosis> Routes, TimeSpan Elapsed)
{
    public FindingStatus Status => Routes.Count == 0 ? FindingStatus.Ok : Routes.Max(r => r.Status);

    /// <summary>0 when every finding is ok, 1 when the worst is a warning, 2 when something fails.</summary>
    public int ExitCode => Status switch
    {
        FindingStatus.Ok => 0,
        FindingStatus.Warning => 1,
        _ => 2,
    };
}
