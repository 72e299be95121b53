using System.Buffers.Binary;
using System.Net;

namespace TcpRelay.Relaying.Splicing;

/// <summary>Reads the kernel's struct sockaddr_in and sockaddr_in6, as accept4 fills them.</summary>
internal static class SockAddr
{
    private const int AfInet = 2;
    private const int AfInet6 = 10;

    /// <summary>The endpoint in <paramref name="address"/>; null for another family or a short buffer.</summary>
    public static IPEndPoint? ToEndPoint(ReadOnlySpan<byte> address)
    {
        if (address.Length < 8)
        {
            return null;
        }

        // The family is in the machine's byte order, the port in the network's.
        int family = BitConverter.ToUInt16(address);
        int port = BinaryPrimitives.ReadUInt16BigEndian(address[2..]);
        if (family == AfInet)
        {
            return new IPEndPoint(new IPAddress(address.Slice(4, 4)), port);
        }

        if (family == AfInet6 && address.Length >= 28)
        {
            long scope = BitConverter.ToUInt32(address[24..]);
            return new IPEndPoint(new IPAddress(address.Slice(8, 16), scope), port);
        }

        return null;
    }
}
