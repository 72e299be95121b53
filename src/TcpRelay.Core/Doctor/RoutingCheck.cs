using System.Net;

namespace TcpRelay.Doctor;

/// <summary>
/// Does this host have a route to the target address, and through which interface? Calls out
/// routes that drop traffic (blackhole, unreachable, prohibit), which make a connect fail without
/// a packet leaving the host.
/// </summary>
internal static class RoutingCheck
{
    public const string Name = "routing";

    // isContainer: a container address reached through a gateway is suspicious; it should
    // sit on a bridge of this host.
    public static async Task<Finding> RunAsync(
        IPAddress address, bool isContainer, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ToolResult get = await ToolRunner.RunAsync("ip", ["-j", "route", "get", address.ToString()], timeout,
            cancellationToken);
        if (get.Succeeded)
        {
            return Judge(address, RouteLookup.ParseGet(get.Output), isContainer);
        }

        if (get.Missing || !get.Error.Contains("RTNETLINK", StringComparison.Ordinal))
        {
            return Finding.Warning(Name, $"cannot look up the route to {address}: {get.Problem}",
                fix: get.Missing ? "install iproute2" : null);
        }

        string refusal = get.Error.Replace("RTNETLINK answers: ", "", StringComparison.Ordinal).Trim();
        ToolResult match = await ToolRunner.RunAsync(
            "ip", ["-j", "route", "show", "table", "all", "match", address.ToString()], timeout,
            cancellationToken);
        string? dropRoute = match.Succeeded ? RouteLookup.FindDropRoute(match.Output) : null;
        return Judge(address, new RouteLookup
        {
            Type = dropRoute?.Split(' ')[0] ?? RouteLookup.KindOfRefusal(refusal),
            Refusal = refusal,
            DropRoute = dropRoute,
        }, isContainer);
    }

    public static Finding Judge(IPAddress address, RouteLookup route, bool isContainer)
    {
        string evidence = route.Refusal is null
            ? $"ip route get {address}: {Describe(route)}"
            : $"ip route get {address}: {route.Refusal}"
                + (route.DropRoute is null ? "" : $"; route: {route.DropRoute}");
        switch (route.Type)
        {
            case "local":
                return Finding.Ok(Name, $"{address} is an address of this host", evidence);
            case "unicast" when route.Gateway is not null && isContainer:
                return Finding.Warning(
                    Name,
                    $"the host routes {address} via {route.Gateway} on {route.Device}, not to a local bridge",
                    evidence,
                    "a container address should be on a bridge of this host: check the network, "
                        + "or use \"via\": \"namespace\"");
            case "unicast":
                return Finding.Ok(Name, $"{address} is reached {Describe(route)}", evidence);
            case "blackhole" or "unreachable" or "prohibit" or "throw":
                string what = route.DropRoute is null
                    ? $"a {route.Type} route"
                    : $"the route '{route.DropRoute}'";
                return Finding.Failure(
                    Name, $"the host drops traffic to {address}: {what}", evidence,
                    route.DropRoute is null
                        ? "find it with `ip route show table all` and `ip rule`"
                        : $"remove it (ip route del {route.DropRoute}) if nothing needs it");
            default:
                return Finding.Failure(
                    Name, $"the host has no route to {address}", evidence,
                    isContainer
                        ? "the container's network is not reachable from this host: use \"via\": \"namespace\""
                        : "add a route, or check the target address");
        }
    }

    private static string Describe(RouteLookup route)
    {
        string text = route.Gateway is null
            ? $"directly on {route.Device}"
            : $"via {route.Gateway} on {route.Device}";
        return route.Source is null ? text : $"{text} (source {route.Source})";
    }
}
