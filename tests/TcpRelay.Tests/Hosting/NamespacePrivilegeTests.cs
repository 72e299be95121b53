using System.Net.Sockets;

namespace TcpRelay.Hosting;

/// <summary>
/// The relay started without CAP_SYS_ADMIN (root with the capability removed from its bounding
/// set, as a systemd unit that forgot it would run it): a namespace target must say which
/// capability is missing and how to grant it, not fail obscurely.
/// </summary>
public sealed class NamespacePrivilegeTests
{
    [Fact]
    public async Task WithoutCapSysAdminNamespaceTargetNamesTheMissingCapability()
    {
        Requires.Root();
        CancellationToken ct = TestContext.Current.CancellationToken;
        string name = $"tcprelay-cap-{Guid.NewGuid():N}"[..22];
        await Processes.RunAsync("ip", "netns", "add", name);
        try
        {
            int port = Loopback.FreePort();
            using var relay = TcpRelayProcess.Start(
                ["setpriv", "--bounding-set=-sys_admin", "--inh-caps=-sys_admin"],
                new Dictionary<string, string>(),
                $"TCP-LISTEN:{port},fork,bind=127.0.0.1", $"NETNS:/run/netns/{name}:127.0.0.1:7000");
            await relay.WaitForLogAsync($"listening on 127.0.0.1:{port}", TimeSpan.FromSeconds(30));

            using (Socket client = await Loopback.ConnectAsync(port, ct))
            {
                await relay.WaitForLogAsync(
                    "needs CAP_SYS_ADMIN (run as root, or grant it with systemd's AmbientCapabilities=CAP_SYS_ADMIN)",
                    TimeSpan.FromSeconds(10));
            }

            relay.Terminate();
            Assert.Equal(0, await relay.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            await Processes.RunAsync("ip", "netns", "del", name);
        }
    }
}
