using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace TcpRelay.Doctor;

/// <summary><c>tcprelay doctor</c> on address routes to loopback: no Docker, no test bed.</summary>
public sealed class DoctorAddressRouteTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tcprelay-doctor-").FullName;

    [Fact]
    public async Task AnAddressRouteToALoopbackServiceIsOk()
    {
        // Root: reading the NAT rules needs it, and without them the rules finding is a warning.
        Requires.Root();
        using var service = new TcpListener(IPAddress.Loopback, 0);
        service.Start();
        string config = WriteConfig(((IPEndPoint)service.LocalEndpoint).Port);

        ToolResult run = await RunAsync("doctor", "--config", config, "--json");

        Assert.Equal(0, run.ExitCode);
        using JsonDocument json = JsonDocument.Parse(run.Output);
        JsonElement[] findings =
            [.. json.RootElement.GetProperty("routes")[0].GetProperty("findings").EnumerateArray()];
        Assert.Equal(
            ["listener", "routing", "rules", "reach-host"],
            findings.Select(f => f.GetProperty("check").GetString()));
        Assert.All(findings, f => Assert.Equal("ok", f.GetProperty("status").GetString()));
        Assert.Equal("127.0.0.1 is an address of this host", findings[1].GetProperty("summary").GetString());
    }

    [Fact]
    public async Task ARefusingTargetFailsTheReachabilityCheck()
    {
        int closedPort = FreePort();
        string config = WriteConfig(closedPort);

        ToolResult run = await RunAsync("doctor", "--config", config);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"FAIL  reach-host   from the host to 127.0.0.1:{closedPort}: refused in ", run.Output,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownRouteNameIsAFailureThatListsTheRoutes()
    {
        string config = WriteConfig(FreePort());

        ToolResult run = await RunAsync("doctor", "--config", config, "nosuch");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no route named nosuch", run.Error, StringComparison.Ordinal);
        Assert.Contains("(routes: loop)", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownOptionIsAFailure()
    {
        ToolResult run = await RunAsync("doctor", "--frobnicate");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown option '--frobnicate'", run.Error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WriteConfig(int targetPort)
    {
        string path = Path.Combine(_folder, "relay.json");
        File.WriteAllText(path, $$"""
            { "routes": { "loop": {
              "listen": "127.0.0.1:{{FreePort()}}", "target": { "address": "127.0.0.1:{{targetPort}}" }
            } } }
            """);
        return path;
    }

    private static Task<ToolResult> RunAsync(params string[] arguments) =>
        ToolRunner.RunAsync(
            Path.Combine(AppContext.BaseDirectory, "tcprelay"), arguments, TimeSpan.FromSeconds(60), default);

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
