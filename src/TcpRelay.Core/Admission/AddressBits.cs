using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace TcpRelay.Admission;

/// <summary>
/// Reads an address as plain integers without allocating, folding IPv4-mapped IPv6 addresses
/// (<c>::ffff:a.b.c.d</c>, what a dual-stack listener reports for an IPv4 client) to IPv4.
/// </summary>
internal static class AddressBits
{
    /// <summary>Returns true and the IPv4 bits for an IPv4 or IPv4-mapped IPv6 address.</summary>
    public static bool TryGetIPv4(IPAddress address, out uint bits)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes, out _);
            bits = BinaryPrimitives.ReadUInt32BigEndian(bytes);
            return true;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address.TryWriteBytes(bytes, out _);
            bits = BinaryPrimitives.ReadUInt32BigEndian(bytes[12..]);
            return true;
        }

        bits = 0;
        return false;
    }

    /// <summary>The 128 bits of a native IPv6 address (callers fold mapped ones first).</summary>
    public static UInt128 GetIPv6(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    /// <summary>
    /// One key per client whatever family the listener reports it in: IPv4 clients become their
    /// mapped IPv6 form, so <c>10.0.0.1</c> and <c>::ffff:10.0.0.1</c> share their limits.
    /// </summary>
    public static UInt128 ClientKey(IPAddress address) =>
        TryGetIPv4(address, out uint v4) ? ((UInt128)0xFFFF << 32) | v4 : GetIPv6(address);

    /// <summary>The address as the client family it really is: mapped IPv6 becomes IPv4.</summary>
    public static IPAddress Unmap(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
