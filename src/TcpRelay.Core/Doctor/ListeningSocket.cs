using System.Net;

namespace TcpRelay.Doctor;

/// <summary>A TCP socket in the LISTEN state, as the kernel lists it in /proc/net/tcp or tcp6.</summary>
internal sealed record ListeningSocket(IPEndPoint EndPoint, long Inode)
{
    /// <summary>
    /// True when binding <paramref name="wanted"/> would collide with this socket: same port and
    /// the same address, or a wildcard on either side. A dual-stack [::] listener also holds the
    /// IPv4 port; /proc does not show IPV6_V6ONLY, so this says "collides" when in doubt.
    /// </summary>
    public bool Blocks(IPEndPoint wanted)
    {
        if (EndPoint.Port != wanted.Port)
        {
            return false;
        }

        IPAddress mine = Normalize(EndPoint.Address);
        IPAddress theirs = Normalize(wanted.Address);
        return IsWildcard(mine) || IsWildcard(theirs) || mine.Equals(theirs);
    }

    private static IPAddress Normalize(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static bool IsWildcard(IPAddress address) =>
        address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);
}
