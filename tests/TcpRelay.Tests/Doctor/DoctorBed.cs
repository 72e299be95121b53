using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using TcpRelay.Hosting;

namespace TcpRelay.Doctor;

/// <summary>
/// One doctor scenario in the Docker test bed: a network and a web container of its own, a
/// relay.json with one route to it, and undo steps for every rule, route and process it adds to
/// the test bed's network namespace (which is this test process's own namespace).
/// </summary>
internal sealed class DoctorBed : IAsyncDisposable
{
    private readonly string _dockerHost;
    private readonly string _image;
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly List<Func<Task>> _undo = [];
    private readonly string _folder;

    private DoctorBed(string dockerHost, string image)
    {
        _dockerHost = dockerHost;
        _image = image;
        _folder = Directory.CreateTempSubdirectory("tcprelay-doctor-").FullName;
        ListenPort = FreePort();
    }

    public const int WebPort = 8080;

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public string Network => "doctor-net-" + _suffix;

    public string Container => "doctor-web-" + _suffix;

    public int ListenPort { get; }

    public IPAddress Address { get; private set; } = IPAddress.None;

    public string ConfigPath => Path.Combine(_folder, "relay.json");

    /// <summary>Starts the container on a network whose subnet Docker picks from the test bed's pool.</summary>
    public static async Task<DoctorBed> StartAsync(string via = "bridge")
    {
        string dockerHost = Requires.DockerTestbed();
        Requires.Root();
        var bed = new DoctorBed(dockerHost, Environment.GetEnvironmentVariable("TCPRELAY_TESTBED_IMAGE")
            ?? "tcprelay-test/busybox:1");
        return await bed.SetUpAsync(async () =>
        {
            await bed.DockerAsync("network", "create", bed.Network);
            bed._undo.Add(() => bed.DockerAsync("network", "rm", bed.Network));
            await bed.RunWebAsync();
            await bed.WriteConfigAsync(via);
        });
    }

    /// <summary>A bed whose container address the test namespace blackholes.</summary>
    public static async Task<DoctorBed> StartBlackholedAsync(string via = "bridge")
    {
        DoctorBed bed = await StartAsync(via);
        return await bed.SetUpAsync(bed.BlackholeContainerAsync);
    }

    /// <summary>A failing step undoes what the bed already did: a broken setup leaves nothing.</summary>
    private async Task<DoctorBed> SetUpAsync(Func<Task> step)
    {
        try
        {
            await step();
            return this;
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs the real executable, as an operator would.</summary>
    public async Task<DoctorRun> DoctorAsync()
    {
        string executable = Path.Combine(AppContext.BaseDirectory, "tcprelay");
        // A generous engine limit: a cold process on a loaded CI machine can take seconds for its
        // first engine request, and these tests are about findings, not speed.
        string[] arguments = ["doctor", "--config", ConfigPath, "--timeout", "20"];
        ToolResult text = await ToolRunner.RunAsync(executable, arguments, Limit, default);
        ToolResult json = await ToolRunner.RunAsync(executable, [.. arguments, "--json"], Limit, default);
        return new DoctorRun(
            text.ExitCode, text.Output + text.Error, json.ExitCode, JsonDocument.Parse(json.Output));
    }

    /// <summary>Removes the container and starts a new one: it comes back at another address.</summary>
    public async Task RecreateAsync()
    {
        await DockerAsync("rm", "-f", Container);
        // Holding the old address makes sure the new container cannot get it back.
        string blocker = "doctor-blocker-" + _suffix;
        await DockerAsync("run", "-d", "--name", blocker, "--network", Network, _image, "sleep", "300");
        _undo.Add(() => DockerAsync("rm", "-f", blocker));
        await RunWebAsync();
    }

    public Task StopAsync() => DockerAsync("stop", "-t", "0", Container);

    /// <summary>Adds an IPv4 NAT rule in the test namespace and removes it when the bed is disposed.</summary>
    public Task AddNatRuleAsync(params string[] rule) => AddRuleAsync("iptables", rule);

    /// <summary>Adds an IPv6 NAT rule in the test namespace and removes it when the bed is disposed.</summary>
    public Task AddIPv6NatRuleAsync(params string[] rule) => AddRuleAsync("ip6tables", rule);

    private async Task AddRuleAsync(string tool, string[] rule)
    {
        await CheckedAsync(tool, ["-t", "nat", "-A", .. rule]);
        _undo.Add(() => CheckedAsync(tool, ["-t", "nat", "-D", .. rule]));
    }

    /// <summary>
    /// A blackhole for the container's own address: the bridge's connected route still covers its
    /// subnet, so the more specific /32 is the one the kernel uses.
    /// </summary>
    private async Task BlackholeContainerAsync()
    {
        string route = $"{Address}/32";
        await CheckedAsync("ip", "route", "add", "blackhole", route);
        _undo.Add(() => CheckedAsync("ip", "route", "del", "blackhole", route));
    }

    /// <summary>Another program (socat) listening on the route's listen port.</summary>
    public Task<int> HoldListenPortAsync() =>
        StartListeningProcessAsync("socat", $"TCP-LISTEN:{ListenPort},bind=127.0.0.1,reuseaddr", "STDIO");

    /// <summary>
    /// The relay itself on the route's listen port, from a configuration of its own (a loopback
    /// route): the listener check looks only at who holds the port.
    /// </summary>
    public async Task<int> StartRelayAsync()
    {
        var config = TempConfigFile.LoopbackRoute(ListenPort, WebPort);
        TcpRelayProcess relay = TcpRelayProcess.Start("run", "--config", config.Path);
        _undo.Add(() =>
        {
            relay.Dispose();
            config.Dispose();
            return Task.CompletedTask;
        });
        await WaitUntilListeningAsync(() => relay.HasExited, $"tcprelay ({relay.Stderr})");
        return relay.Id;
    }

    /// <summary>
    /// Starts a process, waits until the listen port is bound, and stops it (by pid) on dispose.
    /// </summary>
    private async Task<int> StartListeningProcessAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start)!;
        _undo.Add(async () =>
        {
            process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
        });
        await WaitUntilListeningAsync(() => process.HasExited, file);
        return process.Id;
    }

    private async Task WaitUntilListeningAsync(Func<bool> exited, string what)
    {
        for (int i = 0; i < 500 && !IsListening(ListenPort) && !exited(); i++)
        {
            await Task.Delay(20);
        }

        Assert.True(IsListening(ListenPort), $"{what} did not start listening on {ListenPort}");
    }

    public async ValueTask DisposeAsync()
    {
        await DockerAsync("rm", "-f", Container).ContinueWith(_ => { }, TaskScheduler.Default);
        for (int i = _undo.Count - 1; i >= 0; i--)
        {
            await _undo[i]().ContinueWith(_ => { }, TaskScheduler.Default);
        }

        Directory.Delete(_folder, recursive: true);
    }

    private async Task RunWebAsync()
    {
        await DockerAsync("run", "-d", "--name", Container, "--network", Network, _image,
            "httpd", "-f", "-p", $"{WebPort}", "-h", "/www");
        string address = await DockerAsync(
            "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", Container);
        Address = IPAddress.Parse(address);
    }

    private async Task WriteConfigAsync(string via)
    {
        string json = $$"""
            {
              "docker": { "host": "{{_dockerHost}}" },
              "routes": {
                "web": {
                  "listen": "127.0.0.1:{{ListenPort}}",
                  "target": {
                    "container": "{{Container}}", "port": {{WebPort}},
                    "network": "{{Network}}", "via": "{{via}}"
                  }
                }
              }
            }
            """;
        await File.WriteAllTextAsync(ConfigPath, json);
    }

    /// <summary>Runs a command that must succeed; returns its trimmed output.</summary>
    private static async Task<string> CheckedAsync(string tool, params string[] arguments)
    {
        ToolResult result = await ToolRunner.RunAsync(tool, arguments, Limit, default);
        Assert.True(result.Succeeded, $"{result.Command}: {result.Problem}");
        return result.Output.Trim();
    }

    private Task<string> DockerAsync(params string[] arguments) =>
        CheckedAsync("docker", ["-H", _dockerHost, .. arguments]);

    // Asks the kernel's table rather than connecting: socat serves one connection, then exits.
    private static bool IsListening(int port) => SocketTable.ReadListening().Any(s => s.EndPoint.Port == port);

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
