using System.Net;
using System.Text;
using System.Text.Json;

namespace TcpRelay.Doctor;

/// <summary>
/// Reads native nftables DNAT rules from <c>nft -j list ruleset</c>. Rules that iptables-nft made
/// show up here only as an opaque "xt" target; those are read from iptables-save instead.
/// </summary>
internal static class NftRulesetParser
{
    public static IReadOnlyList<NatRule> Parse(string json)
    {
        var rules = new List<NatRule>();
        using JsonDocument document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("nftables", out JsonElement items))
        {
            return rules;
        }

        foreach (JsonElement item in items.EnumerateArray())
        {
            if (item.TryGetProperty("rule", out JsonElement rule) && ParseRule(rule) is { } natRule)
            {
                rules.Add(natRule);
            }
        }

        return rules;
    }

    private static NatRule? ParseRule(JsonElement rule)
    {
        if (!rule.TryGetProperty("expr", out JsonElement expressions))
        {
            return null;
        }

        var ports = new List<PortRange>();
        IPAddress? address = null;
        int? toPort = null;
        var text = new StringBuilder();
        foreach (JsonElement expression in expressions.EnumerateArray())
        {
            if (expression.TryGetProperty("match", out JsonElement match) && IsDestinationPort(match))
            {
                if (match.GetProperty("op").GetString() != "==")
                {
                    return null;
                }

                JsonElement right = match.GetProperty("right");
                ports.AddRange(ReadPorts(right));
                text.Append("dport ").Append(right.GetRawText()).Append(' ');
            }
            else if (expression.TryGetProperty("dnat", out JsonElement dnat))
            {
                if (!dnat.TryGetProperty("addr", out JsonElement addr) || addr.ValueKind != JsonValueKind.String
                    || !IPAddress.TryParse(addr.GetString(), out address))
                {
                    return null;
                }

                if (dnat.TryGetProperty("port", out JsonElement port) && port.ValueKind == JsonValueKind.Number)
                {
                    toPort = port.GetInt32();
                }

                text.Append("dnat to ").Append(address).Append(toPort is null ? "" : $":{toPort}");
            }
        }

        if (address is null)
        {
            return null;
        }

        string family = Text(rule, "family");
        string table = Text(rule, "table");
        string chain = Text(rule, "chain");
        string handle = rule.TryGetProperty("handle", out JsonElement h) ? h.GetRawText() : "?";
        return new NatRule(
            "nft", $"{family} {table} {chain}", ports, address, toPort,
            $"{family} {table} {chain} handle {handle}: {text.ToString().Trim()}",
            $"nft delete rule {family} {table} {chain} handle {handle}");
    }

    private static bool IsDestinationPort(JsonElement match) =>
        match.TryGetProperty("left", out JsonElement left)
        && left.TryGetProperty("payload", out JsonElement payload)
        && payload.TryGetProperty("field", out JsonElement field) && field.GetString() == "dport"
        && payload.TryGetProperty("protocol", out JsonElement protocol)
        && protocol.GetString() is "tcp" or "th";

    /// <summary>A port, a range, or a set of either.</summary>
    private static IEnumerable<PortRange> ReadPorts(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            yield return PortRange.Single(value.GetInt32());
        }
        else if (value.ValueKind == JsonValueKind.Object
            && value.TryGetProperty("range", out JsonElement range))
        {
            yield return new PortRange(range[0].GetInt32(), range[1].GetInt32());
        }
        else if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("set", out JsonElement set))
        {
            foreach (PortRange member in set.EnumerateArray().SelectMany(ReadPorts))
            {
                yield return member;
            }
        }
    }

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out JsonElement value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.GetRawText()
            : "";
}
