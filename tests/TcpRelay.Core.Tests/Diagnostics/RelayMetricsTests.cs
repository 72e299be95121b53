using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using TcpRelay.Configuration;
using TcpRelay.Serving;
using TcpRelay.Targets;
using static TcpRelay.Serving.TestConfigs;

namespace TcpRelay.Diagnostics;

public sealed class RelayMetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task InstrumentsCountConnectionsBytesAndDialOutcomesPerRoute()
    {
        await using var backend = new EchoBackend("a");
        int closedPort = FreePort();
        await using var server = new RelayServer(NullLoggerFactory.Instance, [new AddressDialerFactory()]);
        using var recorder = new MeasurementRecorder(server.Metrics.Meter);
        await server.StartAsync(Config(Route("web", 0, backend.Port), Route("dead", 0, closedPort)), Ct);

        long sent = 0;
        for (int i = 0; i < 3; i++)
        {
            using RelayClient client = await RelayClient.ConnectAsync(server.Routes[0].Listen!, Ct);
            string text = new('x', 1000 * (i + 1));
            Assert.Equal(text, await client.EchoAsync(text, Ct));
            sent += text.Length;
        }

        using (RelayClient live = await RelayClient.ConnectAsync(server.Routes[0].Listen!, Ct))
        {
            await live.EchoAsync("12345", Ct);
            sent += 5;
            recorder.Observe();
            Assert.Equal(1, recorder.Sum("tcprelay.connections.active", "web"));
            Assert.Equal(sent, recorder.Last("tcprelay.relayed", "web", ("direction", "from_client")));
        }

        await RelayClient.ConnectUntilClosedAsync(server.Routes.Single(r => r.Name == "dead").Listen!, Ct);
        await Eventually.TrueAsync(() => server.Routes.Single(r => r.Name == "dead").Problem is not null);

        await Eventually.TrueAsync(() => server.Connections.Count == 0);
        recorder.Observe();
        long greetings = 4 * Encoding.ASCII.GetByteCount("a\n");
        Assert.Equal(4, recorder.Sum("tcprelay.connections.opened", "web"));
        Assert.Equal(0, recorder.Sum("tcprelay.connections.active", "web"));
        Assert.Equal(0, recorder.Sum("tcprelay.connections.active", "dead"));
        Assert.Equal(sent, recorder.Last("tcprelay.relayed", "web", ("direction", "from_client")));
        Assert.Equal(sent + greetings, recorder.Last("tcprelay.relayed", "web", ("direction", "from_target")));
        Assert.Equal(4, recorder.Count("tcprelay.connect.duration", "web"));
        Assert.Equal(1, recorder.Sum("tcprelay.connect.failures", "dead", ("reason", "refused")));
    }

    [Fact]
    public async Task RefusedConnectionsAreCountedByReason()
    {
        await using var backend = new EchoBackend("a");
        await using var server = new RelayServer(NullLoggerFactory.Instance, [new AddressDialerFactory()]);
        using var recorder = new MeasurementRecorder(server.Metrics.Meter);
        RouteConfig denied = Route("web", 0, backend.Port) with
        {
            Admission = new AdmissionConfig { Deny = [IPNetwork.Parse("127.0.0.0/8")] },
        };
        await server.StartAsync(Config(denied), Ct);

        await RelayClient.ConnectUntilClosedAsync(server.Routes[0].Listen!, Ct);
        await RelayClient.ConnectUntilClosedAsync(server.Routes[0].Listen!, Ct);

        await Eventually.TrueAsync(() => recorder.Sum("tcprelay.connections.rejected", "web") == 2);
        Assert.Equal(2, recorder.Sum("tcprelay.connections.rejected", "web", ("reason", "deny_list")));
        Assert.Equal(0, backend.Accepted);
    }

    [Fact]
    public async Task HealthTurnsUnhealthyWhenTheTargetGoesAwayAndHealthyWhenItIsBack()
    {
        var backend = new EchoBackend("a");
        int port = backend.Port;
        await using var server = new RelayServer(NullLoggerFactory.Instance, [new AddressDialerFactory()]);
        await server.StartAsync(Config(Route("web", 0, port)), Ct);
        IPEndPoint relay = server.Routes[0].Listen!;
        Assert.Equal((true, "web ok\n"), HealthReport.Create(server.Routes));

        await backend.DisposeAsync();
        await RelayClient.ConnectUntilClosedAsync(relay, Ct);
        await Eventually.TrueAsync(() => server.Routes[0].Problem is not null);

        (bool healthy, string body) = HealthReport.Create(server.Routes);
        Assert.False(healthy);
        Assert.StartsWith($"web unhealthy: last dial failed: 127.0.0.1:{port}:", body, StringComparison.Ordinal);

        await using var back = new EchoBackend("a", port);
        using RelayClient again = await RelayClient.ConnectAsync(relay, Ct);
        Assert.Equal((true, "web ok\n"), HealthReport.Create(server.Routes));
    }

    /// <summary>Keeps every measurement of one meter's instruments.</summary>
    private sealed class MeasurementRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, string> Tags)> _seen = new();

        public MeasurementRecorder(Meter meter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter == meter)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
            _listener.Start();
        }

        public void Observe() => _listener.RecordObservableInstruments();

        public double Sum(string instrument, string route, params (string Key, string Value)[] tags) =>
            Matching(instrument, route, tags).Sum(m => m.Value);

        public int Count(string instrument, string route) => Matching(instrument, route, []).Count();

        public double Last(string instrument, string route, params (string Key, string Value)[] tags) =>
            Matching(instrument, route, tags).Last().Value;

        public void Dispose() => _listener.Dispose();

        private IEnumerable<(string Instrument, double Value, Dictionary<string, string> Tags)> Matching(
            string instrument, string route, (string Key, string Value)[] tags) =>
            _seen.Where(m => m.Instrument == instrument && m.Tags["route"] == route
                && tags.All(t => m.Tags.GetValueOrDefault(t.Key) == t.Value));

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var map = new Dictionary<string, string>();
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                map[tag.Key] = tag.Value?.ToString() ?? "";
            }

            _seen.Enqueue((instrument.Name, value, map));
        }
    }
}
