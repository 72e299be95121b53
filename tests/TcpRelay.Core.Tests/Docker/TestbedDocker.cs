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

    public Task<string> RunAsync(params string[] arguments) =>
        Processes.RunAsync("docker", ["-H", Host, .. arguments]);

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

    public async Task<System.Net.IPNetwork> SubnetAsync(string network) =>
        System.Net.IPNetwork.Parse(
            await RunAsync("network", "inspect", "-f", "{{(index .IPAM.Config 0).Subnet}}", network));

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
