namespace TcpRelay.CommandLine;

/// <summary>
/// One socat address split into its parts: <c>TCP4-LISTEN:9000,fork,reuseaddr</c> has the type
/// <c>TCP4-LISTEN</c>, the parameters <c>9000</c> and two options.
/// </summary>
internal sealed record SocatAddress(string Text, string Type, string Parameters, IReadOnlyList<SocatOption> Options)
{
    /// <summary>Splits an address; type and option names are case-insensitive, as in socat.</summary>
    public static SocatAddress Parse(string text)
    {
        string[] parts = text.Split(',');
        string head = parts[0];
        int colon = head.IndexOf(':', StringComparison.Ordinal);
        string type = (colon < 0 ? head : head[..colon]).ToUpperInvariant();
        string parameters = colon < 0 ? string.Empty : head[(colon + 1)..];
        var options = new List<SocatOption>();
        foreach (string part in parts.Skip(1))
        {
            if (part.Length == 0)
            {
                continue; // socat tolerates "fork,,reuseaddr"
            }

            int eq = part.IndexOf('=', StringComparison.Ordinal);
            options.Add(eq < 0
                ? new SocatOption(part.ToLowerInvariant(), null)
                : new SocatOption(part[..eq].ToLowerInvariant(), part[(eq + 1)..]));
        }

        return new SocatAddress(text, type, parameters, options);
    }
}
