using System.Net;
using TcpRelay.Configuration;

namespace TcpRelay.Docker;

/// <summary>
/// Where a container target points now, or why it points nowhere. <see cref="Final"/> marks a
/// problem that waiting will not fix (the route names no network and the container has several).
/// </summary>
internal readonly record struct ContainerChoice(
    ContainerSnapshot? Container, IPAddress? Address, string? Problem, bool Final)
{
    /// <summary>
    /// Decides from the view's current snapshot. Without <paramref name="needAddress"/> a running
    /// (and, when required, healthy) container is enough: the namespace path needs no address.
    /// </summary>
    public static ContainerChoice Make(
        ContainerSnapshot? snapshot, ContainerTarget target, DockerView view, bool needAddress = true)
    {
        string name = target.Container;
        if (snapshot is null)
        {
            return Problematic(null, view.State switch
            {
                EngineState.Connecting => $"the Docker engine at {view.Endpoint} has not answered yet",
                EngineState.Unreachable =>
                    $"container {name} is unknown: the Docker engine at {view.Endpoint} is unreachable "
                    + $"({view.EngineProblem})",
                _ => $"no container named {name}",
            });
        }

        if (!snapshot.Running)
        {
            return Problematic(snapshot, $"container {name} is {snapshot.Status}");
        }

        if (target.RequireHealthy && snapshot.Health is not null and not "healthy")
        {
            return Problematic(snapshot, $"container {name} is {snapshot.Health} (its HEALTHCHECK must pass)");
        }

        return needAddress
            ? ChooseNetwork(snapshot, target)
            : new ContainerChoice(snapshot, null, null, Final: false);
    }

    private static ContainerChoice ChooseNetwork(ContainerSnapshot snapshot, ContainerTarget target)
    {
        string name = target.Container;
        string networks = snapshot.Networks.Count == 0
            ? "none"
            : string.Join(", ", snapshot.Networks.Keys.Order(StringComparer.Ordinal));
        string network;
        if (target.Network is not null)
        {
            if (!snapshot.Networks.ContainsKey(target.Network))
            {
                return Problematic(
                    snapshot, $"container {name} is not on network {target.Network} (its networks: {networks})");
            }

            network = target.Network;
        }
        else if (snapshot.Networks.Count == 1)
        {
            network = snapshot.Networks.Keys.First();
        }
        else if (snapshot.Networks.Count == 0)
        {
            return Problematic(snapshot, $"container {name} is on no network");
        }
        else
        {
            return new ContainerChoice(snapshot, null,
                $"container {name} is on several networks ({networks}); "
                + "choose one with \"network\" in the target (network=NAME on the command line)",
                Final: true);
        }

        IPAddress? address = snapshot.Networks[network];
        return address is null
            ? Problematic(snapshot, $"container {name} has no IP address on network {network}")
            : new ContainerChoice(snapshot, address, null, Final: false);
    }

    private static ContainerChoice Problematic(ContainerSnapshot? snapshot, string problem) =>
        new(snapshot, null, problem, Final: false);
}
