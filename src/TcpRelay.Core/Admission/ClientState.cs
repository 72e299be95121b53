namespace TcpRelay.Admission;

/// <summary>
/// What one client address holds on one route: live connections and its token bucket. Guarded
/// by <see cref="Gate"/>; once <see cref="Removed"/> is set the entry is out of the table and a
/// caller that still holds it must look the client up again.
/// </summary>
internal sealed class ClientState
{
    public ClientState(double tokens, long now)
    {
        Tokens = tokens;
        LastRefill = now;
    }

    public Lock Gate { get; } = new();

    public int Live { get; set; }

    public double Tokens { get; set; }

    public long LastRefill { get; set; }

    public bool Removed { get; set; }
}
