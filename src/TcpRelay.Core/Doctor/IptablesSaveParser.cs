using System.Globalization;
using System.Net;

namespace TcpRelay.Doctor;

/// <summary>
/// Reads the DNAT rules of the nat table from <c>iptables-save</c> or <c>ip6tables-save</c>
/// output (the same format from the legacy and the nf_tables backends):
/// <c>-A CHAIN ... --dport P -j DNAT --to-destination A:Q</c>, where an IPv6 address with a port
/// is written in brackets.
/// </summary>
internal static class IptablesSaveParser
{
    public static IReadOnlyList<NatRule> Parse(string text, string source)
    {
        var rules = new List<NatRule>();
        string table = "";
        foreach (string rawLine in text.Split('\n'))
        {
            string line = rawLine.Trim();
            if (line.StartsWith('*'))
            {
                table = line[1..];
            }
            else if (table == "nat" && line.StartsWith("-A ", StringComparison.Ordinal)
                && ParseRule(line, source) is { } rule)
            {
                rules.Add(rule);
            }
        }

        return rules;
    }

    private static NatRule? ParseRule(string line, string source)
    {
        string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string chain = words[1];
        var ports = new List<PortRange>();
        string? destination = null;
        bool dnat = false;
        for (int i = 2; i < words.Length - 1; i++)
        {
            bool negated = words[i - 1] == "!";
            switch (words[i])
            {
                case "--dport" or "--destination-port" when !negated:
                    ports.AddRange(ParsePorts(words[i + 1]));
                    break;
                case "--dports" or "--destination-ports" when !negated:
                    ports.AddRange(words[i + 1].Split(',').SelectMany(ParsePorts));
                    break;
                case "--dport" or "--dports" or "--destination-port" or "--destination-ports":
                    // "everything but this port" says nothing useful about one port: skip the rule.
                    return null;
                case "-j" when words[i + 1] == "DNAT":
                    dnat = true;
                    break;
                case "--to-destination":
                    destination = words[i + 1];
                    break;
            }
        }

        if (!dnat || destination is null
            || !TryParseDestination(destination, out IPAddress? address, out int? port))
        {
            return null;
        }

        // The tool that deletes a rule is the one that saved it, without "-save".
        string delete = source[..^"-save".Length] + " -t nat -D " + line[3..];
        return new NatRule(source, chain, ports, address, port, line, delete);
    }

    private static IEnumerable<PortRange> ParsePorts(string text)
    {
        string[] bounds = text.Split(':');
        if (int.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out int low))
        {
            int high = bounds.Length > 1
                && int.TryParse(bounds[1], NumberStyles.None, CultureInfo.InvariantCulture, out int h)
                    ? h
                    : low;
            yield return new PortRange(low, high);
        }
    }

    /// <summary>
    /// <c>A</c>, <c>A:P</c>, <c>A-B:P-Q</c>, and for IPv6 <c>A</c>, <c>A-B</c>, <c>[A]:P</c>,
    /// <c>[A-B]:P-Q</c>: an address range and a port range keep their first element, which is
    /// where the first connection goes.
    /// </summary>
    private static bool TryParseDestination(string text, out IPAddress address, out int? port)
    {
        port = null;
        string addressPart;
        string? portPart = null;
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']', StringComparison.Ordinal);
            addressPart = close > 0 ? text[1..close] : "";
            if (close > 0 && text.AsSpan(close + 1).StartsWith(":"))
            {
                portPart = text[(close + 2)..];
            }
        }
        else if (text.Count(c => c == ':') > 1)
        {
            // IPv6 without a port is written without brackets.
            addressPart = text;
        }
        else
        {
            int colon = text.IndexOf(':', StringComparison.Ordinal);
            addressPart = colon >= 0 ? text[..colon] : text;
            portPart = colon >= 0 ? text[(colon + 1)..] : null;
        }

        if (portPart is not null && int.TryParse(portPart.Split('-')[0], NumberStyles.None,
                CultureInfo.InvariantCulture, out int p))
        {
            port = p;
        }

        return IPAddress.TryParse(addressPart.Split('-')[0], out address!);
    }
}
