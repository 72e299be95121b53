using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using TcpRelay.Configuration;

namespace TcpRelay.Admission;

/// <summary>
/// Writes the PROXY protocol header sent to a target before any client byte. Addresses are
/// written in the client's real family: an IPv4 client seen through a dual-stack listener
/// (<c>::ffff:a.b.c.d</c>) goes out as TCP4. When either address is unknown, or the two are of
/// different families, v1 sends <c>PROXY UNKNOWN</c> and v2 a LOCAL header: both tell the
/// receiver to use the connection's own endpoints.
/// </summary>
internal static class ProxyHeaderWriter
{
    /// <summary>Room for any header this writer produces (v1 at most 104 bytes, v2 at most 52).</summary>
    public const int MaxLength = 108;

    public static int Write(ProxyProtocolVersion version, IPEndPoint? source, IPEndPoint? destination, Span<byte> buffer) =>
        version switch
        {
            ProxyProtocolVersion.V1 => WriteV1(source, destination, buffer),
            ProxyProtocolVersion.V2 => WriteV2(source, destination, buffer),
            _ => 0,
        };

    /// <summary>Sends the header on a freshly connected target socket; nothing for <see cref="ProxyProtocolVersion.None"/>.</summary>
    public static async ValueTask SendAsync(
        Socket target,
        ProxyProtocolVersion version,
        IPEndPoint? source,
        IPEndPoint? destination,
        CancellationToken cancellationToken)
    {
        if (version == ProxyProtocolVersion.None)
        {
            return;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(MaxLength);
        try
        {
            int length = Write(version, source, destination, buffer);
            int sent = 0;
            while (sent < length)
            {
                sent += await target.SendAsync(buffer.AsMemory(sent, length - sent), SocketFlags.None, cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static int WriteV1(IPEndPoint? source, IPEndPoint? destination, Span<byte> buffer)
    {
        if (!TryGetAddresses(source, destination, out IPAddress? from, out IPAddress? to))
        {
            "PROXY UNKNOWN\r\n"u8.CopyTo(buffer);
            return 15;
        }

        int n = 0;
        Append(buffer, ref n, from.AddressFamily == AddressFamily.InterNetwork ? "PROXY TCP4 "u8 : "PROXY TCP6 "u8);
        n += Format(from, buffer[n..]);
        buffer[n++] = (byte)' ';
        n += Format(to, buffer[n..]);
        buffer[n++] = (byte)' ';
        source!.Port.TryFormat(buffer[n..], out int written);
        n += written;
        buffer[n++] = (byte)' ';
        destination!.Port.TryFormat(buffer[n..], out written);
        n += written;
        Append(buffer, ref n, "\r\n"u8);
        return n;
    }

    public static int WriteV2(IPEndPoint? source, IPEndPoint? destination, Span<byte> buffer)
    {
        ProxyHeaderParser.V2Signature.CopyTo(buffer);
        if (!TryGetAddresses(source, destination, out IPAddress? from, out IPAddress? to))
        {
            buffer[12] = 0x20;
            buffer[13] = 0x00;
            BinaryPrimitives.WriteUInt16BigEndian(buffer[14..], 0);
            return ProxyHeaderParser.V2FixedLength;
        }

        bool v4 = from.AddressFamily == AddressFamily.InterNetwork;
        int addressLength = v4 ? 4 : 16;
        buffer[12] = 0x21;
        buffer[13] = v4 ? (byte)0x11 : (byte)0x21;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[14..], (ushort)((2 * addressLength) + 4));
        Span<byte> block = buffer[ProxyHeaderParser.V2FixedLength..];
        from.TryWriteBytes(block, out _);
        to.TryWriteBytes(block[addressLength..], out _);
        BinaryPrimitives.WriteUInt16BigEndian(block[(2 * addressLength)..], (ushort)source!.Port);
        BinaryPrimitives.WriteUInt16BigEndian(block[((2 * addressLength) + 2)..], (ushort)destination!.Port);
        return ProxyHeaderParser.V2FixedLength + (2 * addressLength) + 4;
    }

    private static bool TryGetAddresses(
        IPEndPoint? source,
        IPEndPoint? destination,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? from,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? to)
    {
        from = source is null ? null : WithoutScope(AddressBits.Unmap(source.Address));
        to = destination is null ? null : WithoutScope(AddressBits.Unmap(destination.Address));
        return from is not null && to is not null && from.AddressFamily == to.AddressFamily
            && from.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6;
    }

    // A zone index (fe80::1%2) means nothing to the receiver and is not valid in a header.
    private static IPAddress WithoutScope(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0
            ? new IPAddress(address.GetAddressBytes())
            : address;

    private static int Format(IPAddress address, Span<byte> buffer)
    {
        address.TryFormat(buffer, out int written);
        return written;
    }

    private static void Append(Span<byte> buffer, ref int n, ReadOnlySpan<byte> text)
    {
        text.CopyTo(buffer[n..]);
        n += text.Length;
    }
}
