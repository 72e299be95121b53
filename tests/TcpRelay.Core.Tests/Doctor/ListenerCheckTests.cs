using System.Net;
using System.Net.Sockets;
using TcpRelay.Configuration;

namespace TcpRelay.Doctor;

public sealed class ListenerCheckTests
{
    [Fact]
    public void AFreePortIsOk()
    {
        int port = FreePort();

        Finding finding = ListenerCheck.Run(Loopback(port));

        Assert.Equal(FindingStatus.Ok, finding.Status);
        Assert.Equal($"127.0.0.1:{port} is free", finding.Summary);
    }

    [Fact]
    public void APortHeldByAnotherProgramNamesItsProcess()
    {
        using var holder = new TcpListener(IPAddress.Any, 0);
        holder.Start();
        int port = ((IPEndPoint)holder.LocalEndpoint).Port;

        Finding finding = ListenerCheck.Run(Loopback(port));

        Assert.Equal(FindingStatus.Failure, finding.Status);
        Assert.Contains($"(pid {Environment.ProcessId})", finding.Summary, StringComparison.Ordinal);
        Assert.Contains($"0.0.0.0:{port}", finding.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void ADualStackListenerHoldsTheIPv4Port()
    {
        using var holder = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp)
        {
            DualMode = true,
        };
        holder.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        holder.Listen();
        int port = ((IPEndPoint)holder.LocalEndPoint!).Port;

        Finding finding = ListenerCheck.Run(Loopback(port));

        Assert.Equal(FindingStatus.Failure, finding.Status);
    }

    [Fact]
    public void AnAddressThatIsNotOnThisHostFails()
    {
        // 198.18.255.254 is assigned to no interface here; binding it is refused locally.
        var listen = new ListenConfig
        {
            EndPoint = new IPEndPoint(IPAddress.Parse("198.18.255.254"), FreePort()),
        };

        Finding finding = ListenerCheck.Run(listen);

        Assert.Equal(FindingStatus.Failure, finding.Status);
        Assert.Equal("198.18.255.254 is not an address of this host", finding.Summary);
    }

    private static ListenConfig Loopback(int port) =>
        new() { EndPoint = new IPEndPoint(IPAddress.Loopback, port) };

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
