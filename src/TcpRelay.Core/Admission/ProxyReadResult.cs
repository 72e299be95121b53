namespace TcpRelay.Admission;

/// <summary>
/// The outcome of waiting for a PROXY header: the header, or why there is none
/// (<see cref="Refusal.ProxyHeaderInvalid"/> or <see cref="Refusal.ProxyHeaderTimeout"/>)
/// with a description for the log.
/// </summary>
internal readonly record struct ProxyReadResult(ProxyHeader Header, Refusal Refusal, string? Problem)
{
    public bool Succeeded => Refusal == Refusal.None;
}
