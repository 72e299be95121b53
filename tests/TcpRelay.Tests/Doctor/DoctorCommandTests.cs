namespace TcpRelay.Doctor;

/// <summary>
/// <c>tcprelay doctor</c> against a real engine, with the faults made for real in the test bed's
/// namespace. Each scenario checks the text report, the JSON report and the exit code of both.
/// </summary>
public sealed class DoctorCommandTests
{
    [Fact]
    public async Task AHealthyRouteHasOnlyOkFindings()
    {
        await using DoctorBed bed = await DoctorBed.StartAsync();

        DoctorRun run = await bed.DoctorAsync();

        run.AssertExitCode(0);
        Assert.Equal(
            ["listener", "docker", "container", "routing", "rules", "reach-host", "reach-inside"],
            run.Findings.Select(f => f.Check));
        Assert.All(run.Findings, f => Assert.Equal("ok", f.Status));
        Assert.Equal("ok", run.Json.RootElement.GetProperty("status").GetString());
        Assert.EndsWith(
            $"at {bed.Address} on {bed.Network}", run.SummaryOf("container"), StringComparison.Ordinal);
        Assert.StartsWith("  ok    container ", run.LineOf("container"), StringComparison.Ordinal);
        Assert.DoesNotContain("\e[", run.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStaleDnatForTheListenPortIsNamedWithBothAddresses()
    {
        await using DoctorBed bed = await DoctorBed.StartAsync();
        string old = bed.Address.ToString();
        await bed.RecreateAsync();
        Assert.NotEqual(old, bed.Address.ToString());
        // What was left behind: the listen port still forwarded to where the container used to be.
        await bed.AddNatRuleAsync("OUTPUT", "-p", "tcp", "-d", "127.0.0.1", "--dport", $"{bed.ListenPort}",
            "-j", "DNAT", "--to-destination", $"{old}:{DoctorBed.WebPort}");

        DoctorRun run = await bed.DoctorAsync();

        string expected = $"DNAT for :{bed.ListenPort} points to {old}:{DoctorBed.WebPort}, "
            + $"container {bed.Container} is at {bed.Address}";
        run.AssertExitCode(2);
        Assert.Equal("failure", run.StatusOf("rules"));
        Assert.Equal(expected, run.SummaryOf("rules"));
        Assert.Contains("FAIL  rules        " + expected, run.Text, StringComparison.Ordinal);
        Assert.Contains($"fix:  delete the stale rule: iptables -t nat -D OUTPUT -d 127.0.0.1/32", run.Text,
            StringComparison.Ordinal);
        Assert.Equal("ok", run.StatusOf("reach-host"));
    }

    [Fact]
    public async Task AnIPv6DnatForTheListenPortIsFoundToo()
    {
        await using DoctorBed bed = await DoctorBed.StartAsync();
        // Only a rule: nothing is sent to this address, which exists nowhere.
        await bed.AddIPv6NatRuleAsync("OUTPUT", "-p", "tcp", "-d", "::1", "--dport", $"{bed.ListenPort}",
            "-j", "DNAT", "--to-destination", $"[fd00:198:18::7]:{DoctorBed.WebPort}");

        DoctorRun run = await bed.DoctorAsync();

        run.AssertExitCode(2);
        Assert.Equal("failure", run.StatusOf("rules"));
        Assert.Equal(
            $"DNAT for :{bed.ListenPort} points to [fd00:198:18::7]:{DoctorBed.WebPort}, "
                + $"container {bed.Container} is at {bed.Address}",
            run.SummaryOf("rules"));
        Assert.Contains("fix:  delete the stale rule: ip6tables -t nat -D OUTPUT -d ::1/128", run.Text,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABlackholedContainerAddressIsABrokenPathNotADeadService()
    {
        await using DoctorBed bed = await DoctorBed.StartBlackholedAsync();

        DoctorRun run = await bed.DoctorAsync();

        run.AssertExitCode(2);
        Assert.Equal("failure", run.StatusOf("routing"));
        Assert.Equal(
            $"the host drops traffic to {bed.Address}: the route 'blackhole {bed.Address}'",
            run.SummaryOf("routing"));
        Assert.Equal("failure", run.StatusOf("reach-host"));
        Assert.Contains(
            "so the path from the host is broken", run.SummaryOf("reach-host"), StringComparison.Ordinal);
        Assert.Equal("ok", run.StatusOf("reach-inside"));
        Assert.StartsWith("  FAIL  routing ", run.LineOf("routing"), StringComparison.Ordinal);
        Assert.StartsWith("  ok    reach-inside ", run.LineOf("reach-inside"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStoppedContainerFailsTheContainerCheck()
    {
        await using DoctorBed bed = await DoctorBed.StartAsync();
        await bed.StopAsync();

        DoctorRun run = await bed.DoctorAsync();

        run.AssertExitCode(2);
        Assert.Equal("failure", run.StatusOf("container"));
        Assert.Matches(
            $"^container {bed.Container} \\([0-9a-f]{{12}}\\) is exited$", run.SummaryOf("container"));
        Assert.Contains($"fix:  docker start {bed.Container}", run.Text, StringComparison.Ordinal);
        Assert.Equal("ok", run.StatusOf("docker"));
        Assert.DoesNotContain(run.Findings, f => f.Check.StartsWith("reach", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AListenPortHeldByAnotherProgramNamesTheProcess()
    {
        await using DoctorBed bed = await DoctorBed.StartAsync();
        int pid = await bed.HoldListenPortAsync();

        DoctorRun run = await bed.DoctorAsync();

        run.AssertExitCode(2);
        Assert.Equal("failure", run.StatusOf("listener"));
        Assert.Equal($"127.0.0.1:{bed.ListenPort} is held by socat (pid {pid})", run.SummaryOf("listener"));
        Assert.Contains($"fix:  stop socat (kill {pid})", run.Text, StringComparison.Ordinal);
        Assert.All(run.Findings.Where(f => f.Check != "listener"), f => Assert.Equal("ok", f.Status));
    }

    [Fact]
    public async Task AListenPortHeldByTheRunningRelayIsOk()
    {
        await using DoctorBed bed = await DoctorBed.StartAsync();
        int pid = await bed.StartRelayAsync();

        DoctorRun run = await bed.DoctorAsync();

        run.AssertExitCode(0);
        Assert.Equal(
            $"127.0.0.1:{bed.ListenPort} is held by tcprelay (pid {pid}): the relay is running",
            run.SummaryOf("listener"));
        Assert.All(run.Findings, f => Assert.Equal("ok", f.Status));
    }

    [Fact]
    public async Task ABrokenHostPathDoesNotMatterToARouteThatDialsInsideTheContainer()
    {
        await using DoctorBed bed = await DoctorBed.StartBlackholedAsync(via: "namespace");

        DoctorRun run = await bed.DoctorAsync();

        run.AssertExitCode(0);
        Assert.All(run.Findings, f => Assert.Equal("ok", f.Status));
        Assert.EndsWith("(not used: the route dials inside the container)", run.SummaryOf("routing"),
            StringComparison.Ordinal);
        Assert.StartsWith(
            $"inside container {bed.Container} to 127.0.0.1:{DoctorBed.WebPort}: connected in ",
            run.SummaryOf("reach-inside"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABrokenHostPathIsAWarningWhenTheRouteFallsBackToTheNamespace()
    {
        await using DoctorBed bed = await DoctorBed.StartBlackholedAsync(via: "auto");

        DoctorRun run = await bed.DoctorAsync();

        run.AssertExitCode(1);
        Assert.Equal("warning", run.StatusOf("routing"));
        Assert.Equal("warning", run.StatusOf("reach-host"));
        Assert.EndsWith("(via auto: the relay dials inside the container instead)", run.SummaryOf("reach-host"),
            StringComparison.Ordinal);
        Assert.Equal("ok", run.StatusOf("reach-inside"));
        Assert.StartsWith("  warn  routing ", run.LineOf("routing"), StringComparison.Ordinal);
    }
}
