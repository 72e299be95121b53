using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace TcpRelay.Hosting;

/// <summary>
/// tcprelay as systemd starts it: the host recognises systemd when it is the main process (PID 1
/// of its PID namespace) with NOTIFY_SOCKET set, as in a container run by systemd. The test is
/// systemd here: it owns the notification socket and reads what the service tells it.
/// </summary>
public sealed class SystemdIntegrationTests
{
    [Fact]
    public async Task ReadinessIsNotifiedOnceTheRouteListensAndStoppingOnSigterm()
    {
        Requires.Root();
        CancellationToken ct = TestContext.Current.CancellationToken;
        string socketPath = Path.Combine(Path.GetTempPath(), $"tcprelay-notify-{Guid.NewGuid():N}.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        int port = Loopback.FreePort();
        try
        {
            using var relay = TcpRelayProcess.Start(
                ["unshare", "--pid", "--fork", "--kill-child"],
                new Dictionary<string, string> { ["NOTIFY_SOCKET"] = socketPath },
                $"TCP4-LISTEN:{port},fork,bind=127.0.0.1", "TCP4:127.0.0.1:9");

            Assert.Equal("READY=1", await ReceiveAsync(notify, ct));

            // Ready means listening: a connection is accepted now, without retrying.
            using (Socket client = await Loopback.ConnectAsync(port, ct))
            {
            }

            // Journal format: a priority prefix instead of a timestamp.
            await relay.WaitForLogAsync("<6>TcpRelay.Route[203] socat: listening on", TimeSpan.FromSeconds(10));

            TcpRelayProcess.Terminate(MainProcessOf(relay.Id));
            Assert.Equal("STOPPING=1", await ReceiveAsync(notify, ct));
            Assert.Equal(0, await relay.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            File.Delete(socketPath);
        }
    }

    private static async Task<string> ReceiveAsync(Socket notify, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        byte[] buffer = new byte[4096];
        int n = await notify.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, n).Trim();
    }

    // unshare --fork runs tcprelay as its child; signals go to tcprelay itself, as systemd's would.
    private static int MainProcessOf(int unsharePid)
    {
        string children = File.ReadAllText($"/proc/{unsharePid}/task/{unsharePid}/children").Trim();
        return int.Parse(children.Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
