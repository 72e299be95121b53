using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using TcpRelay.Configuration;
using TcpRelay.Docker;

namespace TcpRelay.Doctor;

/// <summary>
/// Runs every check for each route, all at once: the engine is asked and the NAT rules are read
/// once per run and shared by the routes.
/// </summary>
internal sealed class RouteDoctor(RelayConfig config, DoctorTimeouts? timeouts = null)
{
    private const string NotUsedNote = " (not used: the route dials inside the container)";
    private const string AutoNote = " (via auto: the relay dials inside the container instead)";

    private readonly DoctorTimeouts _timeouts = timeouts ?? new DoctorTimeouts();

    public async Task<DoctorReport> ExamineAsync(
        IReadOnlyList<RouteConfig> routes, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        string[] containers =
            [.. routes.Select(r => r.Target).OfType<ContainerTarget>().Select(t => t.Container)];
        Task<EngineProbe>? engine = containers.Length == 0
            ? null
            : DockerProbe.RunAsync(config.Docker, containers, _timeouts.Docker, cancellationToken);
        Task<NatRuleSet>? rules = routes.Any(r => r.Target is not NamespaceTarget)
            ? NatRuleSet.ReadAsync(_timeouts.Tool, cancellationToken)
            : null;

        RouteDiagnosis[] diagnoses = await Task.WhenAll(
            routes.Select(route => ExamineAsync(route, engine, rules, cancellationToken)));
        return new DoctorReport(diagnoses, Stopwatch.GetElapsedTime(started));
    }

    private async Task<RouteDiagnosis> ExamineAsync(
        RouteConfig route,
        Task<EngineProbe>? engine,
        Task<NatRuleSet>? rules,
        CancellationToken cancellationToken)
    {
        // Reading /proc/*/fd of every process is synchronous file work: keep it off the caller.
        Task<Finding> listener = Task.Run(() => ListenerCheck.Run(route.Listen), cancellationToken);
        IReadOnlyList<Finding> target = route.Target switch
        {
            ContainerTarget c => await ExamineContainerAsync(route, c, engine!, rules!, cancellationToken),
            AddressTarget a => await ExamineAddressAsync(route, a, rules!, cancellationToken),
            NamespaceTarget n => await ExamineNamespaceAsync(n, cancellationToken),
            _ => [Finding.Warning("target", $"no checks for {route.Target.Describe()}")],
        };
        string listen = ListenerCheck.Format(route.Listen.EndPoint);
        return new RouteDiagnosis(route.Name, listen, route.Target.Describe(), [await listener, .. target]);
    }

    private async Task<IReadOnlyList<Finding>> ExamineContainerAsync(
        RouteConfig route, ContainerTarget target, Task<EngineProbe> engine, Task<NatRuleSet> rules,
        CancellationToken cancellationToken)
    {
        EngineProbe probe = await engine;
        (Finding container, IPAddress? address, int pid) = ContainerCheck.Run(target, probe);
        var findings = new List<Finding> { EngineCheck.Run(probe), container };
        bool bridge = target.Via != TargetVia.Namespace;
        Task<Finding>? routing = address is null
            ? null
            : RoutingCheck.RunAsync(address, isContainer: true, _timeouts.Tool, cancellationToken);
        Task<IReadOnlyList<Finding>>? reach = null;
        if (address is not null && pid > 0)
        {
            var remote = new IPEndPoint(address, target.Port);
            // In namespace mode the relay dials NamespaceHost inside the container; otherwise the
            // container's own address, which is also where the host connects.
            IPEndPoint inside = !bridge && IPAddress.TryParse(target.NamespaceHost, out IPAddress? h)
                ? new IPEndPoint(h, target.Port)
                : remote;
            string netns = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/ns/net";
            reach = ReachabilityCheck.RunAsync(
                remote, (netns, inside, $"inside container {target.Container}"), hostPathUsed: bridge,
                _timeouts.Connect, cancellationToken);
        }

        if (routing is not null)
        {
            Finding found = await routing;
            findings.Add(bridge ? found : Soften(found, FindingStatus.Ok, NotUsedNote));
        }

        var others = new HashSet<IPAddress>(probe.Addresses.Keys.Where(a => !a.Equals(address)));
        string name = $"container {target.Container}";
        findings.AddRange(StaleRuleCheck.Run(await rules, new RuleExpectation(
            route.Listen.EndPoint.Port, target.Port, address is null ? [] : [address], name, true, others)));
        if (reach is not null)
        {
            findings.AddRange(await reach);
        }

        return target.Via == TargetVia.Auto ? FallBack(findings) : findings;
    }

    /// <summary>
    /// With "via": "auto" the relay dials inside the container when the host has no usable route,
    /// so a broken host path that the namespace path makes up for is a warning, not a failure.
    /// </summary>
    private static List<Finding> FallBack(List<Finding> findings)
    {
        bool insideWorks = findings.Any(
            f => f.Check == ReachabilityCheck.InsideName && f.Status == FindingStatus.Ok);
        return insideWorks
            ? [.. findings.Select(f => f.Check is RoutingCheck.Name or ReachabilityCheck.HostName
                ? Soften(f, FindingStatus.Warning, AutoNote)
                : f)]
            : findings;
    }

    private async Task<IReadOnlyList<Finding>> ExamineAddressAsync(
        RouteConfig route, AddressTarget target, Task<NatRuleSet> rules, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(target, cancellationToken);
        }
        catch (Exception e) when (e is SocketException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            string reason = e is SocketException
                ? e.Message
                : $"no answer within {_timeouts.Resolve.TotalSeconds:0.#} s";
            return [Finding.Failure("resolve", $"cannot resolve {target.Host}: {reason}",
                fix: "check the name, or give an IP address")];
        }

        IPAddress address = addresses[0];
        Task<Finding> routing = RoutingCheck.RunAsync(
            address, isContainer: false, _timeouts.Tool, cancellationToken);
        Task<IReadOnlyList<Finding>> reach = ReachabilityCheck.RunAsync(
            new IPEndPoint(address, target.Port), null, hostPathUsed: true, _timeouts.Connect,
            cancellationToken);
        var findings = new List<Finding> { await routing };
        findings.AddRange(StaleRuleCheck.Run(await rules, new RuleExpectation(
            route.Listen.EndPoint.Port, target.Port, addresses, "the target", false,
            new HashSet<IPAddress>())));
        findings.AddRange(await reach);
        return findings;
    }

    private async Task<IReadOnlyList<Finding>> ExamineNamespaceAsync(
        NamespaceTarget target, CancellationToken cancellationToken)
    {
        if (!File.Exists(target.Netns))
        {
            return [Finding.Failure("netns", $"{target.Netns} does not exist",
                fix: "ip netns list shows the named namespaces; a /proc/PID path lives only as long as PID")];
        }

        if (!IPAddress.TryParse(target.Host, out IPAddress? host))
        {
            return [Finding.Warning(
                ReachabilityCheck.InsideName, $"{target.Host} is a name; only addresses are tested")];
        }

        return await ReachabilityCheck.RunAsync(
            null,
            (target.Netns, new IPEndPoint(host, target.Port), $"inside {target.Netns}"),
            hostPathUsed: false,
            _timeouts.Connect,
            cancellationToken);
    }

    private async Task<IPAddress[]> ResolveAsync(AddressTarget target, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(target.Host, out IPAddress? literal))
        {
            return [literal];
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(_timeouts.Resolve);
        AddressFamily family = target.Family ?? AddressFamily.Unspecified;
        IPAddress[] found = await Dns.GetHostAddressesAsync(target.Host, family, limit.Token);
        return found.Length > 0 ? found : throw new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>Lowers a finding about a path the route does not depend on, saying why.</summary>
    private static Finding Soften(Finding finding, FindingStatus status, string note) =>
        finding.Status <= status
            ? finding
            : finding with
            {
                Status = status,
                Summary = finding.Summary + note,
                Fix = status == FindingStatus.Ok ? null : finding.Fix,
            };
}
