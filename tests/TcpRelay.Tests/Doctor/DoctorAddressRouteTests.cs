using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using TcpRelay.Hosting;

namespace TcpRelay.Doctor;

/// <summary><c>tcprelay doctor</c> on address routes to loopback: no Docker, no test bed.</summary>
public sealed class DoctorAddressRouteTests
{
    [Fact]
    public async Task AnAddressRouteToALoopbackServiceIsOk()
    {
        // Root: reading the NAT rules needs it, and without them the rules finding is a warning.
        Requires.Root();
        using var service = new TcpListener(IPAddress.Loopback, 0);
        service.Start();
        using var config = TempConfigFile.LoopbackRoute(FreePort(), ((IPEndPoint)service.LocalEndpoint).Port);

        (int exitCode, TcpRelayProcess doctor) = await TcpRelayProcess.RunAsync(
            "doctor", "--config", config.Path, "--json");

        using (doctor)
        {
            Assert.Equal(0, exitCode);
            using JsonDocument json = JsonDocument.Parse(doctor.Stdout);
            JsonElement[] findings =
                [.. json.RootElement.GetProperty("routes")[0].GetProperty("findings").EnumerateArray()];
            Assert.Equal(
                ["listener", "routing", "rules", "reach-host"],
                findings.Select(f => f.GetProperty("check").GetString()));
            Assert.All(findings, f => Assert.Equal("ok", f.GetProperty("status").GetString()));
            Assert.Equal(
                "127.0.0.1 is an address of this host", findings[1].GetProperty("summary").GetString());
        }
    }

    [Fact]
    public async Task ARefusingTargetFailsTheReachabilityCheck()
    {
        int closedPort = FreePort();
        using var config = TempConfigFile.LoopbackRoute(FreePort(), closedPort);

        (int exitCode, TcpRelayProcess doctor) =
            await TcpRelayProcess.RunAsync("doctor", "--config", config.Path);

        using (doctor)
        {
            Assert.Equal(2, exitCode);
            Assert.Contains($"FAIL  reach-host   from the host to 127.0.0.1:{closedPort}: refused in ",
                doctor.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnUnknownRouteNameIsAFailureThatListsTheRoutes()
    {
        using var config = TempConfigFile.LoopbackRoute(FreePort(), FreePort());

        (int exitCode, TcpRelayProcess doctor) = await TcpRelayProcess.RunAsync(
            "doctor", "--config", config.Path, "nosuch");

        using (doctor)
        {
            Assert.Equal(2, exitCode);
            Assert.Contains("no route named nosuch", doctor.Stderr, StringComparison.Ordinal);
            Assert.Contains("(routes: test)", doctor.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnUnknownOptionIsAFailure()
    {
        (int exitCode, TcpRelayProcess doctor) = await TcpRelayProcess.RunAsync("doctor", "--frobnicate");

        using (doctor)
        {
            Assert.Equal(2, exitCode);
            Assert.Contains("unknown option '--frobnicate'", doctor.Stderr, StringComparison.Ordinal);
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
