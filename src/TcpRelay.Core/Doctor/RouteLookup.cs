using System.Net;
using System.Text.Json;

namespace TcpRelay.Doctor;

/// <summary>
/// What the kernel's routing table says about one destination, from <c>ip -j route get</c> (which
/// sends no packet). When the kernel refuses the lookup, <see cref="Refusal"/> holds the reason
/// and <see cref="DropRoute"/> the route that causes it, found with <c>ip -j route show match</c>.
/// </summary>
internal sealed record RouteLookup
{
    /// <summary>
    /// unicast, local, or the kind of route that drops: blackhole, unreachable, prohibit, throw.
    /// </summary>
    public string Type { get; init; } = "unicast";

    public string? Device { get; init; }

    public string? Gateway { get; init; }

    public string? Source { get; init; }

    /// <summary>The kernel's answer when it refused the lookup ("No route to host").</summary>
    public string? Refusal { get; init; }

    /// <summary>
    /// The most specific blackhole/unreachable/prohibit route covering the address, as <c>ip</c>
    /// prints it.
    /// </summary>
    public string? DropRoute { get; init; }

    private static readonly string[] DropTypes = ["blackhole", "unreachable", "prohibit", "throw"];

    /// <summary>Parses the JSON array <c>ip -j route get</c> prints for a destination it can route.</summary>
    public static RouteLookup ParseGet(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement route = document.RootElement.EnumerateArray().First();
        return new RouteLookup
        {
            Type = Text(route, "type") ?? "unicast",
            Device = Text(route, "dev"),
            Gateway = Text(route, "gateway"),
            Source = Text(route, "prefsrc"),
        };
    }

    /// <summary>
    /// Picks, from <c>ip -j route show table all match ADDR</c>, the most specific route of a kind
    /// that drops traffic; null when none covers the address.
    /// </summary>
    public static string? FindDropRoute(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        string? best = null;
        int bestLength = -1;
        foreach (JsonElement route in document.RootElement.EnumerateArray())
        {
            string? type = Text(route, "type");
            string? destination = Text(route, "dst");
            if (type is null || destination is null || !DropTypes.Contains(type))
            {
                continue;
            }

            int length = PrefixLength(destination);
            if (length > bestLength)
            {
                bestLength = length;
                best = destination == "default" ? $"{type} default" : $"{type} {destination}";
            }
        }

        return best;
    }

    /// <summary>Names the route kind behind the kernel's refusal, for when no route explains it.</summary>
    public static string KindOfRefusal(string refusal) => refusal switch
    {
        _ when refusal.Contains("Invalid argument", StringComparison.Ordinal) => "blackhole",
        _ when refusal.Contains("No route to host", StringComparison.Ordinal) => "unreachable",
        _ when refusal.Contains("Permission denied", StringComparison.Ordinal) => "prohibit",
        _ => "none",
    };

    private static int PrefixLength(string destination)
    {
        if (destination == "default")
        {
            return 0;
        }

        int slash = destination.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            return int.TryParse(destination.AsSpan(slash + 1), out int bits) ? bits : 0;
        }

        return IPAddress.TryParse(destination, out IPAddress? address)
            ? address.GetAddressBytes().Length * 8
            : 0;
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
