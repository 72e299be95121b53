using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TcpRelay.Configuration;

namespace TcpRelay.Admission;

public class RouteAdmissionTests
{
    private static readonly IPAddress Client = IPAddress.Parse("10.0.0.1");

    [Fact]
    public void LeaseReleasesEveryCountExactlyOnce()
    {
        var global = new ConnectionCounter(10);
        using RouteAdmission admission = Create(new AdmissionConfig { MaxConnections = 5, MaxConnectionsPerClient = 1 }, global);

        Assert.Equal(Refusal.None, admission.TryAdmit(Client, out AdmissionLease lease));
        AdmissionLease copy = lease;
        Assert.Equal(1, admission.LiveConnections);
        Assert.Equal(1, global.Count);
        Assert.Equal(Refusal.ClientLimit, admission.TryAdmit(Client, out _));

        lease.Dispose();
        lease.Dispose();
        copy.Dispose();

        Assert.Equal(0, admission.LiveConnections);
        Assert.Equal(0, global.Count);
        Assert.Equal(Refusal.None, admission.TryAdmit(Client, out AdmissionLease second));
        Assert.Equal(1, admission.LiveConnections);
        second.Dispose();
    }

    [Fact]
    public void StaleLeaseDoesNotReleaseTheNextOwnersCounts()
    {
        var global = new ConnectionCounter(10);
        using RouteAdmission admission = Create(new AdmissionConfig { MaxConnections = 5 }, global);
        admission.TryAdmit(Client, out AdmissionLease first);
        first.Dispose();

        // The pooled slot is likely reused here; the first lease must not touch it any more.
        admission.TryAdmit(Client, out AdmissionLease second);
        first.Dispose();

        Assert.Equal(1, admission.LiveConnections);
        Assert.Equal(1, global.Count);
        second.Dispose();
        Assert.Equal(0, global.Count);
    }

    [Fact]
    public void RefusalAtTheGlobalLimitGivesBackRouteAndClientCounts()
    {
        var global = new ConnectionCounter(1);
        using RouteAdmission admission = Create(new AdmissionConfig { MaxConnections = 5, MaxConnectionsPerClient = 5 }, global);
        admission.TryAdmit(IPAddress.Parse("10.0.0.9"), out AdmissionLease held);

        Assert.Equal(Refusal.GlobalLimit, admission.TryAdmit(Client, out AdmissionLease refused));
        refused.Dispose();

        Assert.Equal(1, admission.LiveConnections);
        held.Dispose();
        Assert.Equal(Refusal.None, admission.TryAdmit(Client, out AdmissionLease again));
        again.Dispose();
        Assert.Equal(0, global.Count);
    }

    [Fact]
    public void DenyIsCheckedBeforeAnyCountIsTaken()
    {
        var global = new ConnectionCounter(1);
        using RouteAdmission admission = Create(
            new AdmissionConfig { Deny = AddressRulesTests.Networks("10.0.0.0/8"), MaxConnections = 1 }, global);

        Assert.Equal(Refusal.DenyList, admission.TryAdmit(Client, out _));
        Assert.Equal(0, admission.LiveConnections);
        Assert.Equal(0, global.Count);
    }

    [Fact]
    public void AcceptProxyRouteChecksTheSourceFirstAndTheNamedClientSecond()
    {
        using RouteAdmission admission = Create(new AdmissionConfig
        {
            Allow = AddressRulesTests.Networks("203.0.113.0/24"),
            MaxConnectionsPerClient = 1,
            AcceptProxy = new AcceptProxyConfig { From = AddressRulesTests.Networks("10.0.0.0/8") },
        });

        Assert.Equal(Refusal.ProxySourceNotAllowed, admission.TryAdmit(IPAddress.Parse("198.51.100.99"), out _));
        Assert.Equal(Refusal.None, admission.TryAdmit(Client, out AdmissionLease lease));
        Assert.Equal(Refusal.NotAllowed, admission.TryAdmitClient(IPAddress.Parse("198.51.100.1"), ref lease));
        Assert.Equal(Refusal.None, admission.TryAdmitClient(IPAddress.Parse("203.0.113.5"), ref lease));

        Assert.Equal(Refusal.None, admission.TryAdmit(Client, out AdmissionLease other));
        Assert.Equal(Refusal.ClientLimit, admission.TryAdmitClient(IPAddress.Parse("203.0.113.5"), ref other));
        other.Dispose();
        lease.Dispose();
        Assert.Equal(Refusal.None, admission.TryAdmit(Client, out AdmissionLease third));
        Assert.Equal(Refusal.None, admission.TryAdmitClient(IPAddress.Parse("203.0.113.5"), ref third));
        third.Dispose();
    }

    [Fact]
    public void AdmissionWithLimitsAllocatesNothingOnceWarm()
    {
        using RouteAdmission admission = Create(
            new AdmissionConfig { Allow = AddressRulesTests.Networks("10.0.0.0/8"), MaxConnections = 100, MaxConnectionsPerClient = 10 },
            new ConnectionCounter(1000));
        for (int i = 0; i < 10; i++)
        {
            admission.TryAdmit(Client, out AdmissionLease warm);
            warm.Dispose();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            admission.TryAdmit(Client, out AdmissionLease lease);
            lease.Dispose();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void SummaryWarnsOncePerWindowWithCountsByReason()
    {
        var time = new FakeTimeProvider();
        var log = new LogCollector();
        using var summary = new RefusalSummary("web", log, time);
        for (int i = 0; i < 12; i++)
        {
            summary.Record(Refusal.DenyList);
        }

        for (int i = 0; i < 25; i++)
        {
            summary.Record(Refusal.ClientLimit);
        }

        Assert.Empty(log.Messages("RefusalSummary"));
        time.Advance(RefusalSummary.Window);

        string warning = Assert.Single(log.Messages("RefusalSummary"));
        Assert.StartsWith(
            "Route web: refused 37 connections in the last 10 s (12 deny list, 25 per-client limit)", warning, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Warning, log.Events.Single(e => e.Id.Name == "RefusalSummary").Level);

        time.Advance(RefusalSummary.Window);
        Assert.Single(log.Messages("RefusalSummary"));
        summary.Record(Refusal.RouteLimit);
        time.Advance(RefusalSummary.Window);
        Assert.Equal(2, log.Messages("RefusalSummary").Count());
        Assert.Equal(12, summary.Total(Refusal.DenyList));
    }

    [Fact]
    public void LimitsAReloadAddsCountWhatIsLiveUntilItIsGivenBack()
    {
        using RouteAdmission open = Create(new AdmissionConfig());
        using RouteAdmission limited = Create(new AdmissionConfig { MaxConnections = 2, MaxConnectionsPerClient = 1 }, previous: open);
        Assert.True(limited.StartsCounting);

        object? carried = null;
        CarriedCount.Carry(ref carried, limited.CountLive(Client)!);
        Assert.Equal(1, limited.LiveConnections);
        Assert.Equal(Refusal.ClientLimit, limited.TryAdmit(Client, out _));
        Assert.Equal(Refusal.None, limited.TryAdmit(IPAddress.Parse("10.0.0.2"), out AdmissionLease other));
        Assert.Equal(Refusal.RouteLimit, limited.TryAdmit(IPAddress.Parse("10.0.0.3"), out _));

        CarriedCount.ReleaseAll(ref carried);
        CarriedCount.ReleaseAll(ref carried);
        Assert.Equal(1, limited.LiveConnections);
        Assert.Equal(Refusal.None, limited.TryAdmit(Client, out AdmissionLease again));
        again.Dispose();
        other.Dispose();
        Assert.Equal(0, limited.LiveConnections);
    }

    [Fact]
    public void LimitsCarriedThroughAReloadStartNoNewCount()
    {
        using RouteAdmission first = Create(new AdmissionConfig());
        using RouteAdmission second = Create(new AdmissionConfig { MaxConnections = 2, NewConnectionsPerSecondPerClient = 5 });
        using RouteAdmission third = Create(new AdmissionConfig { MaxConnections = 3, MaxConnectionsPerClient = 1 }, previous: second);

        Assert.False(first.StartsCounting);
        Assert.False(third.StartsCounting);
        Assert.Null(third.CountLive(Client));
    }

    private static RouteAdmission Create(AdmissionConfig config, ConnectionCounter? global = null, RouteAdmission? previous = null) =>
        new(RelayHarness.Route("web", 1, config), global, new LogCollector(), new FakeTimeProvider(), previous: previous);
}
