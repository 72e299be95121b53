using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using TcpRelay.Admission;
using TcpRelay.Targets;

namespace TcpRelay.Diagnostics;

/// <summary>
/// The relay's instruments, all on the meter <see cref="MeterName"/> and tagged by route.
/// Byte counts are observed on collection from live sessions plus the totals of ended ones, so
/// a long transfer shows up while it runs, not only when it ends.
/// </summary>
internal sealed class RelayMetrics : IDisposable
{
    /// <summary>The meter name to subscribe to: <c>dotnet-counters monitor --counters TcpRelay</c>.</summary>
    public const string MeterName = "TcpRelay";

    private static readonly double[] ConnectBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly ConcurrentDictionary<string, RouteTraffic> _traffic = new(StringComparer.Ordinal);
    private readonly Counter<long> _opened;
    private readonly UpDownCounter<long> _active;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _connectDuration;
    private readonly Counter<long> _connectFailures;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>, or a meter of its own.</summary>
    public RelayMetrics(IMeterFactory? meterFactory = null)
    {
        // A factory's meters belong to the factory, which disposes them; only our own is ours to dispose.
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _opened = _meter.CreateCounter<long>(
            "tcprelay.connections.opened", "{connection}", "Connections accepted by the route.");
        _active = _meter.CreateUpDownCounter<long>(
            "tcprelay.connections.active", "{connection}", "Connections being relayed or dialed now.");
        _rejected = _meter.CreateCounter<long>(
            "tcprelay.connections.rejected", "{connection}", "Connections refused by admission, by reason.");
        _connectDuration = _meter.CreateHistogram(
            "tcprelay.connect.duration", "s", "Time to establish the target connection (successful dials).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ConnectBuckets });
        _connectFailures = _meter.CreateCounter<long>(
            "tcprelay.connect.failures", "{connection}", "Target dials that failed, by reason.");
        _meter.CreateObservableCounter(
            "tcprelay.relayed", ObserveBytes, "By", "Bytes relayed, by direction (from_client, from_target).");
    }

    /// <summary>The meter the instruments live on.</summary>
    public Meter Meter => _meter;

    /// <summary>Stops publishing.</summary>
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    internal RouteTraffic Traffic(string route) => _traffic.GetOrAdd(route, static _ => new RouteTraffic());

    internal void ConnectionOpened(string route)
    {
        var tags = new TagList { { "route", route } };
        _opened.Add(1, tags);
        _active.Add(1, tags);
    }

    internal void ConnectionClosed(string route) => _active.Add(-1, new TagList { { "route", route } });

    internal void Rejected(string route, string reason) =>
        _rejected.Add(1, new TagList { { "route", route }, { "reason", reason } });

    internal void Connected(string route, TimeSpan elapsed) =>
        _connectDuration.Record(elapsed.TotalSeconds, new TagList { { "route", route } });

    internal void ConnectFailed(string route, DialFailure failure) =>
        _connectFailures.Add(1, new TagList { { "route", route }, { "reason", ReasonTag(failure) } });

    internal static string ReasonTag(DialFailure failure) => failure switch
    {
        DialFailure.Refused => "refused",
        DialFailure.TimedOut => "timed_out",
        DialFailure.Unreachable => "unreachable",
        DialFailure.Unresolved => "unresolved",
        DialFailure.PermissionDenied => "permission_denied",
        DialFailure.NoDescriptors => "no_descriptors",
        _ => "error",
    };

    internal static string RefusalTag(Refusal refusal) => refusal switch
    {
        Refusal.NotAllowed => "not_allowed",
        Refusal.DenyList => "deny_list",
        Refusal.RateLimit => "rate_limit",
        Refusal.ClientLimit => "client_limit",
        Refusal.RouteLimit => "route_limit",
        Refusal.GlobalLimit => "global_limit",
        Refusal.ProxySourceNotAllowed => "proxy_source_not_allowed",
        Refusal.ProxyHeaderInvalid => "proxy_header_invalid",
        Refusal.ProxyHeaderTimeout => "proxy_header_timeout",
        _ => "other",
    };

    private IEnumerable<Measurement<long>> ObserveBytes()
    {
        foreach ((string route, RouteTraffic traffic) in _traffic)
        {
            (long fromClient, long fromTarget) = traffic.Observe();
            yield return new Measurement<long>(fromClient, new("route", route), new("direction", "from_client"));
            yield return new Measurement<long>(fromTarget, new("route", route), new("direction", "from_target"));
        }
    }
}
