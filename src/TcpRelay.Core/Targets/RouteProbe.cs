using System.Net;
using System.Net.Sockets;

namespace TcpRelay.Targets;

/// <summary>
/// Asks the kernel whether this namespace has a route to an address, without sending anything:
/// connecting a UDP socket only looks the route up. Unreachable, blackhole and prohibit routes,
/// and no route at all, each fail with their own error.
/// </summary>
internal static class RouteProbe
{
    /// <summary>Null when there is a route; otherwise the kernel's reason.</summary>
    public static string? Problem(IPAddress address)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Connect(new IPEndPoint(address, 9));
            return null;
        }
        catch (SocketException e)
        {
            return $"no route to {address}: {e.Message}";
        }
    }
}
