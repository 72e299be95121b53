using System.Diagnostics;
using System.Net;

namespace TcpRelay.Docker;

/// <summary>
/// Drives the test bed's engine with the docker command line, the way an operator would, and
/// removes every container and network it created when disposed.
/// </summary>
internal sealed class TestbedDocker : IAsyncDisposable
{
    public const string Image = "tcprelay-test/busybox:1";
    public const int EchoPort = 7000;

    private readonly List<string> _containers = [];
    private readonly List<string> _networks = [];

    private TestbedDocker(string host)
    {
        Host = host;
    }

    /// <summary>The engine endpoint, for example unix:///tmp/tcprelay-testbed/docker.sock.</summary>
    public string Host { get; }

    public static TestbedDocker Open() => new(Requires.DockerTestbed());

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    public async Task<string> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("docker")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("-H");
        start.ArgumentList.Add(Host);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"docker {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}");
        }

        return (await output).Trim();
    }

    /// <summary>A bridge network with a subnet from the test bed's pool (198.19.0.0/16).</summary>
    public async Task<string> CreateNetworkAsync()
    {
        string name = UniqueName("net");
        await RunAsync("network", "create", name);
        _networks.Add(name);
        return name;
    }

    /// <summary>
    /// A container that answers every connection on <see cref="EchoPort"/> with a line naming
    /// <paramref name="id"/>, then echoes what it receives until the client closes.
    /// </summary>
    public async Task<string> StartEchoAsync(string name, string network, string id, params string[] extra)
    {
        _containers.Add(name);
        string[] arguments =
        [
            "run", "-d", "--init", "--name", name, "--network", network, "-e", "ID=" + id, .. extra, Image,
            "nc", "-ll", "-p", EchoPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-e", "sh", "-c", "echo $ID; exec cat",
        ];
        return await RunAsync(arguments);
    }

    /// <summary>A container that only sleeps: it takes an address and answers nothing.</summary>
    public async Task StartBlockerAsync(string name, string network)
    {
        _containers.Add(name);
        await RunAsync("run", "-d", "--init", "--name", name, "--network", network, Image, "sleep", "3600");
    }

    public void Track(string container) => _containers.Add(container);

    public async Task<IPAddress> AddressAsync(string container, string network) =>
        IPAddress.Parse(await RunAsync("inspect", "-f",
            $"{{{{(index .NetworkSettings.Networks \"{network}\").IPAddress}}}}", container));

    public async ValueTask DisposeAsync()
    {
        foreach (string container in _containers.Distinct())
        {
            await TryAsync("rm", "-f", container);
        }

        foreach (string network in _networks)
        {
            await TryAsync("network", "rm", network);
        }
    }

    private async Task TryAsync(params string[] arguments)
    {
        try
        {
            await RunAsync(arguments);
        }
        catch (InvalidOperationException)
        {
            // Already gone, or the engine is down after a failed restart test: teardown removes it.
        }
    }
}
