using System.Net;

namespace TcpRelay.Doctor;

/// <summary>
/// Connects to the target from the host's namespace and from inside the target's namespace, and
/// reads the pair: both fail, the service is down; only the host fails, the path to it is broken.
/// </summary>
internal static class ReachabilityCheck
{
    public const string HostName = "reach-host";
    public const string InsideName = "reach-inside";

    // host: the address the relay dials from its own namespace; null when it never does.
    // inside: the namespace file and the address dialled inside it; null when there is none.
    // hostPathUsed: false when the route dials inside the namespace, so a host failure harms nothing.
    public static async Task<IReadOnlyList<Finding>> RunAsync(
        IPEndPoint? host,
        (string Netns, IPEndPoint Remote, string Where)? inside,
        bool hostPathUsed,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        Task<ConnectAttempt>? hostTask = host is null
            ? null
            : ConnectAttempt.RunAsync(host, null, timeout, cancellationToken);
        Task<ConnectAttempt>? insideTask = inside is null
            ? null
            : ConnectAttempt.RunAsync(inside.Value.Remote, inside.Value.Netns, timeout, cancellationToken);
        ConnectAttempt? fromHost = hostTask is null ? null : await hostTask;
        ConnectAttempt? fromInside = insideTask is null ? null : await insideTask;

        var findings = new List<Finding>();
        if (host is not null && fromHost is not null)
        {
            findings.Add(JudgeHost(host, fromHost, fromInside, inside?.Where, hostPathUsed));
        }

        if (inside is { } i && fromInside is not null)
        {
            findings.Add(JudgeInside(i.Remote, i.Where, fromInside, fromHost));
        }

        return findings;
    }

    public static Finding JudgeHost(
        IPEndPoint remote, ConnectAttempt host, ConnectAttempt? inside, string? where, bool hostPathUsed)
    {
        string line = $"from the host to {remote}: {host.Result}";
        if (host.Connected)
        {
            return Finding.Ok(HostName, line);
        }

        if (!hostPathUsed)
        {
            return Finding.Ok(HostName, line + " (not used: the route dials inside the namespace)");
        }

        if (inside is { Connected: true })
        {
            return Finding.Failure(
                HostName,
                $"{line}; the service answers {where}, "
                    + "so the path from the host is broken (see routing, rules)",
                fix: "fix the route or rule named above, or set \"via\": \"namespace\" on the target");
        }

        if (inside is { Attempted: true })
        {
            return Finding.Failure(
                HostName, $"{line}; the service does not answer {where} either (see {InsideName})");
        }

        return Finding.Failure(HostName, line, fix: "check that the service runs and listens on that port");
    }

    public static Finding JudgeInside(
        IPEndPoint remote, string where, ConnectAttempt inside, ConnectAttempt? host)
    {
        if (!inside.Attempted)
        {
            return Finding.Warning(InsideName, $"cannot test {where}: {inside.Outcome}",
                fix: "run tcprelay doctor as root to test from inside the namespace");
        }

        string line = $"{where} to {remote}: {inside.Result}";
        if (inside.Connected)
        {
            return Finding.Ok(InsideName, line);
        }

        string cause = host is { Connected: true }
            ? "; the host reaches it, so something inside the namespace differs"
            : $": the service is down or not listening on port {remote.Port}";
        return Finding.Failure(InsideName, line + cause,
            fix: "look at the service (docker logs, docker top) and the port it listens on");
    }
}
