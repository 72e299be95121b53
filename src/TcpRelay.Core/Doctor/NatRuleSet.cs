using System.Text.Json;

namespace TcpRelay.Doctor;

/// <summary>
/// Every DNAT rule of this network namespace, gathered once per doctor run from iptables and
/// ip6tables (both backends each) and native nftables, with a note for each source that could
/// not be read.
/// </summary>
internal sealed record NatRuleSet(
    IReadOnlyList<NatRule> Rules, IReadOnlyList<string> Read, IReadOnlyList<string> Problems)
{
    public static async Task<NatRuleSet> ReadAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        // A legacy save tool creates the legacy nat table it is asked about (and from then on
        // the nf_tables tools warn about legacy tables): ask only when the kernel already has one.
        string[] tools =
        [
            "iptables-save",
            "ip6tables-save",
            .. HasLegacyNatTable("/proc/net/ip_tables_names") ? ["iptables-legacy-save"] : Array.Empty<string>(),
            .. HasLegacyNatTable("/proc/net/ip6_tables_names") ? ["ip6tables-legacy-save"] : Array.Empty<string>(),
        ];
        Task<ToolResult>[] saves = [.. tools.Select(tool => Run(tool, "-t", "nat"))];
        Task<ToolResult> nft = Run("nft", "-j", "list", "ruleset");
        await Task.WhenAll([.. saves, nft]);

        var rules = new List<NatRule>();
        var read = new List<string>();
        var problems = new List<string>();
        for (int i = 0; i < tools.Length; i++)
        {
            string tool = tools[i];
            Collect(await saves[i], tool, text => IptablesSaveParser.Parse(text, tool));
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

    /// <summary>Whether the kernel lists a legacy (x_tables) nat table for this namespace in <paramref name="names"/>.</summary>
    private static bool HasLegacyNatTable(string names)
    {
        try
        {
            return File.ReadAllLines(names).Contains("nat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The module is not loaded: there is no legacy table of that family at all.
            return false;
        }
    }
}
