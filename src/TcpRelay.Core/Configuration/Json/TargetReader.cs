using System.Net;
using System.Text.Json;

namespace TcpRelay.Configuration.Json;

/// <summary>
/// Reads a route's target. The kind follows from the one key among <c>address</c>,
/// <c>container</c> and <c>netns</c>; the other properties must belong to that kind.
/// </summary>
internal static class TargetReader
{
    /// <summary>Stands in for a target that could not be read; its error is already recorded.</summary>
    public static readonly AddressTarget Placeholder = new() { Host = "invalid", Port = 0 };

    private static readonly string[] AddressKeys = ["address", "bind", "sourcePort"];
    private static readonly string[] ContainerKeys =
        ["container", "port", "network", "via", "holdTime", "requireHealthy", "host"];

    private static readonly string[] NamespaceKeys = ["netns", "host", "port"];
    private static readonly string[] Kinds = ["address", "container", "netns"];
    private static readonly string[] Known = [.. AddressKeys.Union(ContainerKeys).Union(NamespaceKeys)];

    public static TargetConfig Read(JsonElement element, string path, ConfigErrorCollector errors)
    {
        JsonObjectReader? r = JsonObjectReader.Open(element, path, errors, "target", Known);
        if (r is null)
        {
            return Placeholder;
        }

        string[] kinds = [.. Kinds.Where(r.Has)];
        if (kinds.Length != 1)
        {
            errors.Add(path, kinds.Length == 0
                ? "target needs one of \"address\", \"container\" or \"netns\""
                : $"target mixes kinds ({string.Join(", ", kinds)}); give exactly one");
            return Placeholder;
        }

        (string[] keys, string what) = kinds[0] switch
        {
            "address" => (AddressKeys, "an address target"),
            "container" => (ContainerKeys, "a container target"),
            _ => (NamespaceKeys, "a netns target"),
        };
        bool foreign = false;
        foreach (string name in r.Names.Where(n => !keys.Contains(n)))
        {
            r.Fail(name, $"'{name}' does not apply to {what}, which takes {string.Join(", ", keys)}");
            foreign = true;
        }

        if (foreign)
        {
            errors.Suppress(path);
            return Placeholder;
        }

        return kinds[0] switch
        {
            "address" => ReadAddress(r),
            "container" => ReadContainer(r),
            _ => ReadNamespace(r),
        };
    }

    private static AddressTarget ReadAddress(JsonObjectReader r)
    {
        r.Require("address");
        if (r.String("address") is not { } address)
        {
            return Placeholder;
        }

        if (!EndPointSyntax.TryParseTarget(address, out string host, out int port, out string error))
        {
            r.Fail("address", error);
            return Placeholder;
        }

        IPAddress? bind = null;
        if (r.String("bind") is { } bindText && !EndPointSyntax.TryParseAddress(bindText, out bind))
        {
            r.Fail("bind", $"'bind' must be a local IP address, found \"{bindText}\"");
        }

        return new AddressTarget { Host = host, Port = port, BindAddress = bind, SourcePort = r.Int("sourcePort") };
    }

    private static ContainerTarget ReadContainer(JsonObjectReader r)
    {
        r.Require("container");
        r.Require("port");
        var defaults = new ContainerTarget { Container = string.Empty, Port = 0 };
        return defaults with
        {
            Container = r.String("container") ?? defaults.Container,
            Port = r.Int("port") ?? defaults.Port,
            Network = r.String("network"),
            Via = ReadVia(r) ?? defaults.Via,
            HoldTime = r.Duration("holdTime") ?? defaults.HoldTime,
            RequireHealthy = r.Bool("requireHealthy") ?? defaults.RequireHealthy,
            NamespaceHost = r.String("host") ?? defaults.NamespaceHost,
        };
    }

    private static NamespaceTarget ReadNamespace(JsonObjectReader r)
    {
        r.Require("netns");
        r.Require("port");
        var defaults = new NamespaceTarget { Netns = string.Empty, Port = 0 };
        return defaults with
        {
            Netns = r.String("netns") ?? defaults.Netns,
            Host = r.String("host") ?? defaults.Host,
            Port = r.Int("port") ?? defaults.Port,
        };
    }

    private static TargetVia? ReadVia(JsonObjectReader r)
    {
        string? via = r.String("via");
        TargetVia? parsed = via switch
        {
            null => null,
            "bridge" => TargetVia.Bridge,
            "namespace" => TargetVia.Namespace,
            "auto" => TargetVia.Auto,
            _ => null,
        };
        if (via is not null && parsed is null)
        {
            r.Fail("via", $"'via' must be \"bridge\", \"namespace\" or \"auto\", found \"{via}\"");
        }

        return parsed;
    }
}
