using System.Net;
using System.Net.Sockets;

namespace TcpRelay;

/// <summary>Ports for tests whose endpoint must be known before anything binds it.</summary>
internal static class LoopbackPorts
{
    /// <summary>A loopback port that was free a moment ago.</summary>
    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
