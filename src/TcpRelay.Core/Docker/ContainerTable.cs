using System.Net;
using Microsoft.Extensions.Logging;

namespace TcpRelay.Docker;

/// <summary>
/// The Docker view's knowledge: every container by ID, and the watches routes hold. Each change
/// recomputes what each watch's reference resolves to, publishes it, and logs what an operator
/// should know (an address change once, a container becoming usable or not).
/// </summary>
internal sealed class ContainerTable
{
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ContainerWatch> _watches = new(StringComparer.Ordinal);
    private Dictionary<string, ContainerSnapshot> _containers = new(StringComparer.Ordinal);

    public ContainerTable(ILogger logger)
    {
        _logger = logger;
    }

    public ContainerWatch Watch(string reference)
    {
        lock (_gate)
        {
            if (!_watches.TryGetValue(reference, out ContainerWatch? watch))
            {
                watch = new ContainerWatch(reference);
                _watches.Add(reference, watch);
                watch.Publish(Resolve(reference));
                RememberAddresses(watch, watch.Current);
            }

            watch.Users++;
            return watch;
        }
    }

    public void Release(ContainerWatch watch)
    {
        lock (_gate)
        {
            if (--watch.Users == 0)
            {
                _watches.Remove(watch.Reference);
            }
        }
    }

    /// <summary>Replaces everything after a full inspection; containers not in it are gone.</summary>
    public void Replace(Dictionary<string, ContainerSnapshot> containers)
    {
        lock (_gate)
        {
            _containers = containers;
            PublishAll();
        }
    }

    /// <summary>One container inspected again; null when it no longer exists.</summary>
    public void Apply(string id, ContainerSnapshot? snapshot)
    {
        lock (_gate)
        {
            if (snapshot is null)
            {
                _containers.Remove(id);
            }
            else
            {
                _containers[snapshot.Id] = snapshot;
            }

            PublishAll();
        }
    }

    /// <summary>Recomputes every watch from the table. Called under the lock.</summary>
    private void PublishAll()
    {
        foreach (ContainerWatch watch in _watches.Values)
        {
            ContainerSnapshot? previous = watch.Current;
            ContainerSnapshot? current = Resolve(watch.Reference);
            if (current is null && previous is null)
            {
                continue;
            }

            if (current is not null && current.SameAs(previous))
            {
                continue;
            }

            watch.Publish(current);
            LogTransition(watch, previous, current);
            RememberAddresses(watch, current);
        }
    }


    /// <summary>Wakes every waiting connection, for example when the engine became unreachable.</summary>
    public void SignalAll()
    {
        lock (_gate)
        {
            foreach (ContainerWatch watch in _watches.Values)
            {
                watch.Signal();
            }
        }
    }

    /// <summary>A name wins over an ID prefix; an ambiguous prefix resolves to nothing.</summary>
    private ContainerSnapshot? Resolve(string reference)
    {
        string name = reference.TrimStart('/');
        ContainerSnapshot? byId = null;
        int idMatches = 0;
        foreach (ContainerSnapshot snapshot in _containers.Values)
        {
            if (string.Equals(snapshot.Name, name, StringComparison.Ordinal))
            {
                return snapshot;
            }

            if (snapshot.Matches(reference))
            {
                byId = snapshot;
                idMatches++;
            }
        }

        return idMatches == 1 ? byId : null;
    }


    private void LogTransition(ContainerWatch watch, ContainerSnapshot? previous, ContainerSnapshot? current)
    {
        if (current is null)
        {
            DockerLog.ContainerMissing(_logger, watch.Reference);
            return;
        }

        foreach ((string network, IPAddress? address) in current.Networks)
        {
            if (address is not null
                && watch.LastAddresses.TryGetValue(network, out IPAddress? last)
                && !last.Equals(address))
            {
                DockerLog.AddressChanged(_logger, watch.Reference, last.ToString(), address.ToString(), network);
            }
        }

        bool usableBefore = previous is { Running: true } && previous.Health is null or "healthy";
        bool usableNow = current is { Running: true } && current.Health is null or "healthy";
        bool sameRun = previous is not null && previous.Id == current.Id && previous.Pid == current.Pid;
        if (usableNow && (!usableBefore || !sameRun))
        {
            string health = current.Health is null ? "" : ", " + current.Health;
            string addresses = string.Join(", ", current.Networks.Select(pair => $"{pair.Key}={pair.Value}"));
            DockerLog.ContainerRunning(_logger, watch.Reference, current.ShortId, current.Pid, health, addresses);
        }
        else if (!usableNow && (usableBefore || previous is null || previous.Status != current.Status
            || previous.Health != current.Health))
        {
            string status = current.Health is not null && current.Running
                ? $"{current.Status}, {current.Health}"
                : current.Status;
            DockerLog.ContainerUnusable(_logger, watch.Reference, status);
        }
    }


    private static void RememberAddresses(ContainerWatch watch, ContainerSnapshot? snapshot)
    {
        if (snapshot is null)
        {
            return;
        }

        foreach ((string network, IPAddress? address) in snapshot.Networks)
        {
            if (address is not null)
            {
                watch.LastAddresses[network] = address;
            }
        }
    }
}
