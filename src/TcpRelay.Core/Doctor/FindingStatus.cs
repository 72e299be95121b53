namespace TcpRelay.Doctor;

/// <summary>How one finding stands. Ordered: a route's worst finding decides its status.</summary>
internal enum FindingStatus
{
    Ok,
    Warning,
    Failure,
}
