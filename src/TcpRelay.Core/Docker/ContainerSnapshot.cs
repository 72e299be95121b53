using System.Net;
using Docker.DotNet.Models;

namespace TcpRelay.Docker;

/// <summary>What the Docker view last learnt about one container, from an inspect.</summary>
internal sealed record ContainerSnapshot
{
    public required string Id { get; init; }

    /// <summary>The name without Docker's leading slash.</summary>
    public required string Name { get; init; }

    /// <summary>Docker's state word: created, running, paused, restarting, exited, dead.</summary>
    public required string Status { get; init; }

    /// <summary>Running and not paused: a connection can be answered.</summary>
    public required bool Running { get; init; }

    /// <summary>starting, healthy or unhealthy; null when the container has no HEALTHCHECK.</summary>
    public string? Health { get; init; }

    /// <summary>The main process in the host's PID namespace; 0 when not running.</summary>
    public int Pid { get; init; }

    /// <summary>IPv4 (or else IPv6) address per network name; null when the network gave none.</summary>
    public required IReadOnlyDictionary<string, IPAddress?> Networks { get; init; }

    public string ShortId => Id.Length > 12 ? Id[..12] : Id;

    public bool Matches(string reference)
    {
        string name = reference.TrimStart('/');
        if (string.Equals(Name, name, StringComparison.Ordinal))
        {
            return true;
        }

        return reference.Length >= 4 && Id.StartsWith(reference, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Same container, state and addresses: nothing a dialer or an operator would notice.</summary>
    public bool SameAs(ContainerSnapshot? other) =>
        other is not null
        && Id == other.Id && Name == other.Name && Status == other.Status && Running == other.Running
        && Health == other.Health && Pid == other.Pid
        && Networks.Count == other.Networks.Count
        && Networks.All(pair => other.Networks.TryGetValue(pair.Key, out IPAddress? address)
            && Equals(address, pair.Value));

    public static ContainerSnapshot FromInspect(ContainerInspectResponse inspect)
    {
        State? state = inspect.State;
        string? health = state?.Health?.Status;
        var networks = new Dictionary<string, IPAddress?>(StringComparer.Ordinal);
        if (inspect.NetworkSettings?.Networks is { } endpoints)
        {
            foreach ((string network, EndpointSettings endpoint) in endpoints)
            {
                networks[network] = ParseAddress(endpoint?.IPAddress)
                    ?? ParseAddress(endpoint?.GlobalIPv6Address);
            }
        }

        return new ContainerSnapshot
        {
            Id = inspect.ID,
            Name = (inspect.Name ?? inspect.ID).TrimStart('/'),
            Status = state?.Status ?? "unknown",
            Running = state is { Running: true, Paused: false, Restarting: false },
            Health = string.IsNullOrEmpty(health) || health == "none" ? null : health,
            Pid = state is { Running: true } ? (int)state.Pid : 0,
            Networks = networks,
        };
    }

    private static IPAddress? ParseAddress(string? text) =>
        !string.IsNullOrEmpty(text) && IPAddress.TryParse(text, out IPAddress? address) ? address : null;
}
