namespace TcpRelay.Doctor;

/// <summary>
/// Real tool output, captured in a scratch network namespace with rules made by iptables (nf_tables
/// and legacy backends) and nft: the formats the doctor parses, not hand-written imitations.
/// </summary>
internal static class Captured
{
    public static string Read(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Doctor", "Captured", name));
}
