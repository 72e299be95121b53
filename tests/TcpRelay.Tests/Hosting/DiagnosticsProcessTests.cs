using System.Globalization;
using System.Net;
using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.RegularExpressions;
using static TcpRelay.Hosting.ReloadProcessTests;

namespace TcpRelay.Hosting;

[SupportedOSPlatform("linux")]
public sealed class DiagnosticsProcessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MetricsScrapedOverHttpMatchTheTrafficSent()
    {
        await using var backend = new EchoBackend("a");
        await using var relay = new RelayProcess();
        int port = LoopbackPorts.Free();
        int metrics = LoopbackPorts.Free();
        int dead = LoopbackPorts.Free();
        int nowhere = LoopbackPorts.Free();
        await relay.StartAsync(Config(
            relay,
            Route("web", port, backend.Port) + ",\n" + Route("dead", dead, nowhere),
            $"\n  \"metrics\": {{ \"listen\": \"127.0.0.1:{metrics}\" }},"));

        long sent = 0;
        for (int i = 1; i <= 5; i++)
        {
            using RelayClient client = await RelayClient.ConnectAsync(Loopback(port), Ct);
            string text = new('m', 3000 * i);
            Assert.Equal(text, await client.EchoAsync(text, Ct));
            sent += text.Length;
        }

        await RelayClient.ConnectUntilClosedAsync(Loopback(dead), Ct);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metrics}") };
        string scraped = "";
        await Eventually.TrueAsync(async () =>
        {
            scraped = await http.GetStringAsync("/metrics", Ct);
            return Sample(scraped, "tcprelay_connections_active", "route=\"web\"") == 0
                && Sample(scraped, "tcprelay_connect_failures_total", "route=\"dead\"") == 1;
        });

        Assert.Equal(5, Sample(scraped, "tcprelay_connections_opened_total", "route=\"web\""));
        Assert.Equal(sent, Sample(scraped, "tcprelay_relayed_bytes_total", "direction=\"from_client\",route=\"web\""));
        Assert.Equal(sent + 5 * 2, Sample(scraped, "tcprelay_relayed_bytes_total", "direction=\"from_target\",route=\"web\""));
        Assert.Equal(5, Sample(scraped, "tcprelay_connect_duration_seconds_count", "route=\"web\""));
        Assert.Contains("reason=\"refused\"", Line(scraped, "tcprelay_connect_failures_total", "route=\"dead\""),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthzIs503WhileATargetIsGoneAnd200WhenItIsBack()
    {
        var backend = new EchoBackend("a");
        int target = backend.Port;
        await using var relay = new RelayProcess();
        int port = LoopbackPorts.Free();
        int metrics = LoopbackPorts.Free();
        await relay.StartAsync(Config(
            relay, Route("web", port, target), $"\n  \"metrics\": {{ \"listen\": \"127.0.0.1:{metrics}\" }},"));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metrics}") };

        using (HttpResponseMessage ok = await http.GetAsync("/healthz", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("web ok\n", await ok.Content.ReadAsStringAsync(Ct));
        }

        await backend.DisposeAsync();
        await RelayClient.ConnectUntilClosedAsync(Loopback(port), Ct);

        using (HttpResponseMessage down = await http.GetAsync("/healthz", Ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.StartsWith($"web unhealthy: last dial failed: 127.0.0.1:{target}",
                await down.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        await using var back = new EchoBackend("a", target);
        using (RelayClient again = await RelayClient.ConnectAsync(Loopback(port), Ct))
        {
            Assert.Equal("a", again.Backend);
        }

        using HttpResponseMessage healthy = await http.GetAsync("/healthz", Ct);
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    [Fact]
    public async Task NoHttpListenerRunsWithoutAMetricsSection()
    {
        await using var backend = new EchoBackend("a");
        await using var relay = new RelayProcess();
        await relay.StartAsync(Config(relay, Route("web", LoopbackPorts.Free(), backend.Port)));

        Assert.DoesNotContain(relay.Lines, l => l.Contains("/metrics", StringComparison.Ordinal));
        string[] listening = await ListeningPortsAsync(relay.Pid);
        Assert.Single(listening);
    }

    [Fact]
    public async Task StatusShowsRoutesAndLiveConnectionsAsATableAndAsJson()
    {
        await using var backend = new EchoBackend("a");
        await using var relay = new RelayProcess();
        int port = LoopbackPorts.Free();
        await relay.StartAsync(Config(relay, Route("web", port, backend.Port)));
        using RelayClient first = await RelayClient.ConnectAsync(Loopback(port), Ct);
        using RelayClient second = await RelayClient.ConnectAsync(Loopback(port), Ct);
        await first.EchoAsync(new string('1', 1234), Ct);
        await second.EchoAsync(new string('2', 42), Ct);

        (int code, string table, _) = await RelayProcess.RunCommandAsync("status", "--socket", relay.StatusSocket);

        Assert.Equal(0, code);
        string[] lines = table.Split('\n');
        Assert.Matches(@"^ROUTE +LISTEN +TARGET +STATE +ACTIVE +TOTAL$", lines[0]);
        Assert.Matches($@"^web +127\.0\.0\.1:{port} +127\.0\.0\.1:{backend.Port} +ok +2 +2$", lines[1]);
        Assert.Contains(lines, l => Regex.IsMatch(l, $@"^web +{Regex.Escape(Client(first))} +127\.0\.0\.1:{backend.Port} +\d+s +1234 +1236$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, $@"^web +{Regex.Escape(Client(second))} +127\.0\.0\.1:{backend.Port} +\d+s +42 +44$"));
        int header = Array.FindIndex(lines, l => l.StartsWith("ROUTE  CLIENT", StringComparison.Ordinal));
        int clientColumn = lines[header].IndexOf("CLIENT", StringComparison.Ordinal);
        Assert.All(lines[(header + 1)..].Where(l => l.Length > 0),
            l => Assert.Equal(clientColumn, l.IndexOf("127.0.0.1", StringComparison.Ordinal)));

        (code, string json, _) = await RelayProcess.RunCommandAsync("status", "--json", "--socket", relay.StatusSocket);

        Assert.Equal(0, code);
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement route = document.RootElement.GetProperty("routes")[0];
        Assert.Equal("web", route.GetProperty("name").GetString());
        Assert.True(route.GetProperty("listening").GetBoolean());
        Assert.Equal(2, route.GetProperty("active").GetInt32());
        JsonElement[] connections = [.. document.RootElement.GetProperty("connections").EnumerateArray()];
        Assert.Equal(2, connections.Length);
        JsonElement firstEntry = connections.Single(c => c.GetProperty("client").GetString() == Client(first));
        Assert.Equal(1234, firstEntry.GetProperty("bytesFromClient").GetInt64());
        Assert.Equal(1236, firstEntry.GetProperty("bytesFromTarget").GetInt64());
        Assert.Equal($"127.0.0.1:{backend.Port}", firstEntry.GetProperty("target").GetString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(relay.StatusSocket));
    }

    [Fact]
    public async Task StatusWithNoServiceSaysSoAndExitsTwo()
    {
        string path = Path.Combine(Path.GetTempPath(), $"tcprelay-none-{Guid.NewGuid():N}.sock");

        (int code, string stdout, string stderr) = await RelayProcess.RunCommandAsync("status", "--socket", path);

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.StartsWith($"tcprelay: no tcprelay service at {path}: is it running?", stderr, StringComparison.Ordinal);
    }

    private static string Client(RelayClient client) => client.Socket.LocalEndPoint!.ToString()!;

    private static string Line(string metrics, string name, string labels) =>
        metrics.Split('\n').Single(l => l.StartsWith(name + "{", StringComparison.Ordinal) && l.Contains(labels, StringComparison.Ordinal));

    private static double Sample(string metrics, string name, string labels)
    {
        string[] found = [.. metrics.Split('\n')
            .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) && l.Contains(labels, StringComparison.Ordinal))];
        return found.Length == 0 ? -1 : double.Parse(found[0][(found[0].LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>The local TCP ports the process listens on, from <c>ss</c>.</summary>
    private static async Task<string[]> ListeningPortsAsync(int pid)
    {
        var start = new System.Diagnostics.ProcessStartInfo("ss", ["-Htlnp"]) { RedirectStandardOutput = true };
        using var ss = System.Diagnostics.Process.Start(start)!;
        string output = await ss.StandardOutput.ReadToEndAsync(Ct);
        await ss.WaitForExitAsync(Ct);
        return [.. output.Split('\n').Where(l => l.Contains($"pid={pid},", StringComparison.Ordinal))];
    }
}
