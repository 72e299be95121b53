using System.Net;
using TcpRelay.Configuration;
using TcpRelay.Docker;

namespace TcpRelay.Doctor;

/// <summary>
/// Does the target container exist, run, pass its health check, and have an address on the
/// network the route dials? Returns the address and the process whose namespace the
/// reachability check enters.
/// </summary>
internal static class ContainerCheck
{
    public const string Name = "container";

    public static (Finding Finding, IPAddress? Address, int Pid) Run(ContainerTarget target, EngineProbe probe)
    {
        string name = target.Container;
        if (probe.Problem is not null)
        {
            return (Finding.Warning(Name, $"container {name} not checked: the engine did not answer"), null, 0);
        }

        if (!probe.Containers.TryGetValue(name, out ContainerSnapshot? c) || c is null)
        {
            return (Finding.Failure(Name, $"no container named {name}",
                fix: "docker ps -a shows what exists; start or create it, "
                    + "or correct \"container\" in relay.json"),
                null, 0);
        }

        string id = $"{c.Name} ({c.ShortId})";
        if (!c.Running)
        {
            return (Finding.Failure(Name, $"container {id} is {c.Status}", $"state: {c.Status}",
                $"docker start {c.Name}; docker logs {c.Name} shows why it stopped"), null, 0);
        }

        (IPAddress? address, string? network, string? problem) = ChooseAddress(c, target);
        if (problem is not null)
        {
            return (Finding.Failure(Name, $"container {id} runs, but {problem}", Networks(c),
                "name the network with \"network\" in the route's target"), null, c.Pid);
        }

        string health = c.Health is null ? "" : $", {c.Health}";
        string summary = $"container {id} is running{health}, at {address} on {network}";
        string evidence = $"pid {c.Pid}; {Networks(c)}";
        Finding finding = c.Health switch
        {
            null or "healthy" => Finding.Ok(Name, summary, evidence),
            "starting" => Finding.Warning(Name, summary + " (health check still starting)", evidence),
            _ when target.RequireHealthy => Finding.Failure(
                Name, summary + ": the route waits for it to become healthy", evidence,
                $"docker inspect --format '{{{{json .State.Health}}}}' {c.Name} shows the failing check"),
            _ => Finding.Warning(Name, summary, evidence),
        };
        return (finding, address, c.Pid);
    }

    private static (IPAddress? Address, string? Network, string? Problem) ChooseAddress(
        ContainerSnapshot c, ContainerTarget target)
    {
        if (target.Network is { } wanted)
        {
            return c.Networks.TryGetValue(wanted, out IPAddress? address) && address is not null
                ? (address, wanted, null)
                : (null, null, $"it has no address on network {wanted}");
        }

        return c.Networks.Count switch
        {
            0 => (null, null, "it is on no network"),
            1 when c.Networks.First().Value is { } only => (only, c.Networks.First().Key, null),
            1 => (null, null, $"it has no address on {c.Networks.First().Key}"),
            _ => (null, null, "it is on several networks and the route names none"),
        };
    }

    private static string Networks(ContainerSnapshot c) => "networks: " + (c.Networks.Count == 0
        ? "none"
        : string.Join(", ", c.Networks
            .OrderBy(n => n.Key, StringComparer.Ordinal)
            .Select(n => $"{n.Key}={n.Value}")));
}
