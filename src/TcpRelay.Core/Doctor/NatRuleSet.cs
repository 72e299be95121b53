using System.Text.Json;

namespace TcpRelay.Doctor;

/// <summary>
/// Every DNAT rule of this network namespace, gathered once per doctor run from iptables (both
/// backends) and native nftables, with a note for each source that could not be read.
/// </summary>
internal sealed record NatRuleSet(
    IReadOnlyList<NatRule> Rules, IReadOnlyList<string> Read, IReadOnlyList<string> Problems)
{
    public static async Task<NatRuleSet> ReadAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task<ToolResult> iptables = Run("iptables-save", "-t", "nat");
        // iptables-legacy-save creates the legacy nat table it is asked about (and from then on
        // iptables-nft warns about legacy tables): ask only when the kernel already has one.
        Task<ToolResult>? legacy = HasLegacyNatTable() ? Run("iptables-legacy-save", "-t", "nat") : null;
        Task<ToolResult> nft = Run("nft", "-j", "list", "ruleset");
        await Task.WhenAll(iptables, legacy ?? iptables, nft);

        var rules = new List<NatRule>();
        var read = new List<string>();
        var problems = new List<string>();
        Collect(await iptables, "iptables-save", text => IptablesSaveParser.Parse(text, "iptables-save"));
        if (legacy is not null)
        {
            Collect(await legacy, "iptables-legacy-save",
                text => IptablesSaveParser.Parse(text, "iptables-legacy-save"));
        }
        Collect(await nft, "nft", NftRulesetParser.Parse);

        // A missing legacy tool is normal on a host that only has the nf_tables backend.
        if (read.Count == 0 && problems.Count == 0)
        {
            problems.Add("neither iptables-save nor nft is installed");
        }

        return new NatRuleSet(rules, read, problems);

        Task<ToolResult> Run(string tool, params string[] arguments) =>
            ToolRunner.RunAsync(tool, arguments, timeout, cancellationToken);

        void Collect(ToolResult result, string tool, Func<string, IReadOnlyList<NatRule>> parse)
        {
            if (result.Missing)
            {
                return;
            }

            if (!result.Succeeded)
            {
                problems.Add(result.Problem!);
                return;
            }

            try
            {
                rules.AddRange(parse(result.Output));
                read.Add(tool);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException
                or FormatException or IndexOutOfRangeException)
            {
                problems.Add($"cannot read the output of {tool}: {e.Message}");
            }
        }
    }

    /// <summary>The legacy (x_tables) tables of this namespace, as the kernel lists them.</summary>
    private static bool HasLegacyNatTable()
    {
        try
        {
            return File.ReadAllLines("/proc/net/ip_tables_names").Contains("nat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No ip_tables module loaded: there is no legacy table at all.
            return false;
        }
    }
}
