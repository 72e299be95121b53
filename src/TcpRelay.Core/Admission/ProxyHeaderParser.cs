using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace TcpRelay.Admission;

/// <summary>
/// Strict parser of PROXY protocol v1 and v2 headers over the bytes received so far. It judges
/// a prefix as early as it can (a first byte that starts neither version is invalid at once) and
/// never looks beyond the header: <see cref="ProxyHeader.Length"/> says where the client's bytes
/// begin.
/// </summary>
internal static class ProxyHeaderParser
{
    /// <summary>The longest v1 line, CRLF included.</summary>
    public const int V1MaxLength = 107;

    /// <summary>The shortest v1 line: <c>PROXY UNKNOWN\r\n</c>. No header of either version is shorter.</summary>
    public const int V1MinLength = 15;

    /// <summary>The fixed part of a v2 header.</summary>
    public const int V2FixedLength = 16;

    /// <summary>
    /// Bound on a v2 header's address and TLV block. The protocol allows 65535; real senders stay
    /// far below (TCP over IPv6 with TLS and unique-id TLVs is a few hundred bytes).
    /// </summary>
    public const int V2MaxBlockLength = 2048;

    /// <summary>The longest header this parser accepts, of either version.</summary>
    public const int MaxLength = V2FixedLength + V2MaxBlockLength;

    private const byte CR = (byte)'\r';
    private const byte LF = (byte)'\n';

    /// <summary>The 12 bytes that open every v2 header.</summary>
    public static ReadOnlySpan<byte> V2Signature =>
        [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private static ReadOnlySpan<byte> V1Prefix => "PROXY "u8;

    /// <summary>Whether the bytes so far (at least one) start a v2 header rather than a v1 line.</summary>
    public static bool IsV2(ReadOnlySpan<byte> data) => data.Length > 0 && data[0] == V2Signature[0];

    /// <summary>For a v2 header with its fixed part present, the header's total length.</summary>
    public static int V2TotalLength(ReadOnlySpan<byte> data) =>
        V2FixedLength + BinaryPrimitives.ReadUInt16BigEndian(data.Slice(14, 2));

    public static ProxyParseStatus Parse(ReadOnlySpan<byte> data, out ProxyHeader header, out string? problem)
    {
        header = default;
        problem = null;
        if (data.IsEmpty)
        {
            return ProxyParseStatus.Incomplete;
        }

        if (data[0] == V1Prefix[0])
        {
            return ParseV1(data, out header, out problem);
        }

        if (data[0] == V2Signature[0])
        {
            return ParseV2(data, out header, out problem);
        }

        problem = "the first byte starts neither a v1 nor a v2 header";
        return ProxyParseStatus.Invalid;
    }

    private static ProxyParseStatus ParseV1(ReadOnlySpan<byte> data, out ProxyHeader header, out string? problem)
    {
        header = default;
        int prefix = Math.Min(data.Length, V1Prefix.Length);
        if (!data[..prefix].SequenceEqual(V1Prefix[..prefix]))
        {
            return Fail("v1 header does not start with \"PROXY \"", out problem);
        }

        ReadOnlySpan<byte> window = data[..Math.Min(data.Length, V1MaxLength)];
        int lf = window.IndexOf(LF);
        if (lf < 0)
        {
            int cr = window.IndexOf(CR);
            if (cr >= 0 && cr != window.Length - 1)
            {
                return Fail("v1 line has a CR not followed by LF", out problem);
            }

            if (window.Length >= V1MaxLength)
            {
                return Fail("no CRLF within the first 107 bytes of a v1 header", out problem);
            }

            problem = null;
            return ProxyParseStatus.Incomplete;
        }

        if (lf == 0 || window[lf - 1] != CR)
        {
            return Fail("v1 line ends with LF without CR", out problem);
        }

        ReadOnlySpan<byte> line = window[V1Prefix.Length..(lf - 1)];
        int length = lf + 1;
        if (line.SequenceEqual("UNKNOWN"u8) || line.StartsWith("UNKNOWN "u8))
        {
            // The protocol tells receivers to ignore whatever follows UNKNOWN on the line.
            header = new ProxyHeader(length, 1, null, null);
            problem = null;
            return ProxyParseStatus.Complete;
        }

        AddressFamily family;
        if (line.StartsWith("TCP4 "u8))
        {
            family = AddressFamily.InterNetwork;
        }
        else if (line.StartsWith("TCP6 "u8))
        {
            family = AddressFamily.InterNetworkV6;
        }
        else
        {
            return Fail("v1 protocol is not TCP4, TCP6 or UNKNOWN", out problem);
        }

        // Exactly four fields separated by single spaces: an empty field means a doubled space.
        Span<Range> fields = stackalloc Range[5];
        ReadOnlySpan<byte> rest = line[5..];
        if (SplitFields(rest, (byte)' ', fields) != 4)
        {
            return Fail("v1 line does not hold exactly four fields", out problem);
        }

        if (!TryParseAddress(rest[fields[0]], family, out IPAddress? source)
            || !TryParseAddress(rest[fields[1]], family, out IPAddress? destination))
        {
            return Fail("v1 address is not a canonical address of the announced family", out problem);
        }

        if (!TryParsePort(rest[fields[2]], out int sourcePort) || !TryParsePort(rest[fields[3]], out int destinationPort))
        {
            return Fail("v1 port is not a decimal number 0-65535 without leading zeros", out problem);
        }

        header = new ProxyHeader(length, 1, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort));
        problem = null;
        return ProxyParseStatus.Complete;
    }

    private static ProxyParseStatus ParseV2(ReadOnlySpan<byte> data, out ProxyHeader header, out string? problem)
    {
        header = default;
        int prefix = Math.Min(data.Length, V2Signature.Length);
        if (!data[..prefix].SequenceEqual(V2Signature[..prefix]))
        {
            return Fail("v2 signature mismatch", out problem);
        }

        if (data.Length > 12)
        {
            if ((data[12] >> 4) != 2)
            {
                return Fail("v2 version nibble is not 2", out problem);
            }

            if ((data[12] & 0xF) > 1)
            {
                return Fail("v2 command is neither LOCAL nor PROXY", out problem);
            }
        }

        if (data.Length > 13 && AddressBlockLength(data[13]) < 0)
        {
            return Fail("v2 address family or transport is not defined by the protocol", out problem);
        }

        if (data.Length < V2FixedLength)
        {
            problem = null;
            return ProxyParseStatus.Incomplete;
        }

        bool proxy = (data[12] & 0xF) == 1;
        byte family = data[13];
        int blockLength = BinaryPrimitives.ReadUInt16BigEndian(data[14..16]);
        if (blockLength > V2MaxBlockLength)
        {
            return Fail("v2 length exceeds this relay's bound of 2048 bytes", out problem);
        }

        int addressLength = AddressBlockLength(family);
        if (proxy && blockLength < addressLength)
        {
            return Fail("v2 length is shorter than the announced address family needs", out problem);
        }

        if (data.Length < V2FixedLength + blockLength)
        {
            problem = null;
            return ProxyParseStatus.Incomplete;
        }

        int length = V2FixedLength + blockLength;
        if (!proxy)
        {
            // LOCAL: the proxy's own connection (a health check); the block is to be skipped.
            header = new ProxyHeader(length, 2, null, null);
            problem = null;
            return ProxyParseStatus.Complete;
        }

        ReadOnlySpan<byte> block = data[V2FixedLength..length];
        if (!TlvsAreWellFormed(block[addressLength..]))
        {
            return Fail("v2 TLV vectors overrun the announced length", out problem);
        }

        header = family switch
        {
            0x11 => new ProxyHeader(
                length,
                2,
                new IPEndPoint(new IPAddress(block[..4]), BinaryPrimitives.ReadUInt16BigEndian(block[8..])),
                new IPEndPoint(new IPAddress(block[4..8]), BinaryPrimitives.ReadUInt16BigEndian(block[10..]))),
            0x21 => new ProxyHeader(
                length,
                2,
                new IPEndPoint(new IPAddress(block[..16]), BinaryPrimitives.ReadUInt16BigEndian(block[32..])),
                new IPEndPoint(new IPAddress(block[16..32]), BinaryPrimitives.ReadUInt16BigEndian(block[34..]))),

            // UNSPEC, UDP and UNIX: the protocol lets a receiver fall back to the real endpoints.
            _ => new ProxyHeader(length, 2, null, null),
        };
        problem = null;
        return ProxyParseStatus.Complete;
    }

    /// <summary>Address bytes a family/transport byte implies, or -1 for an undefined value.</summary>
    private static int AddressBlockLength(byte familyAndTransport) => familyAndTransport switch
    {
        0x00 => 0,
        0x11 or 0x12 => 12,
        0x21 or 0x22 => 36,
        0x31 or 0x32 => 216,
        _ => -1,
    };

    private static bool TlvsAreWellFormed(ReadOnlySpan<byte> tlvs)
    {
        while (!tlvs.IsEmpty)
        {
            if (tlvs.Length < 3)
            {
                return false;
            }

            int valueLength = BinaryPrimitives.ReadUInt16BigEndian(tlvs[1..3]);
            if (tlvs.Length < 3 + valueLength)
            {
                return false;
            }

            tlvs = tlvs[(3 + valueLength)..];
        }

        return true;
    }

    private static bool TryParseAddress(ReadOnlySpan<byte> text, AddressFamily family, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        return family == AddressFamily.InterNetwork
            ? TryParseIPv4(text, out address)
            : TryParseIPv6(text, out address);
    }

    /// <summary>Exactly four decimal numbers 0-255, no leading zeros (no octal confusion), single dots.</summary>
    private static bool TryParseIPv4(ReadOnlySpan<byte> text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        Span<Range> parts = stackalloc Range[5];
        if (SplitFields(text, (byte)'.', parts) != 4)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[4];
        for (int i = 0; i < 4; i++)
        {
            if (!TryParseDecimal(text[parts[i]], 3, out int value) || value > 255)
            {
                return false;
            }

            bytes[i] = (byte)value;
        }

        address = new IPAddress(bytes);
        return true;
    }

    private static bool TryParseIPv6(ReadOnlySpan<byte> text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (text.IsEmpty || text.Length > 45)
        {
            return false;
        }

        // Hex digits, colons and the dots of an embedded IPv4 tail only: no zone index, no
        // brackets, nothing the platform parser might forgive.
        Span<char> chars = stackalloc char[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            byte b = text[i];
            if (!char.IsAsciiHexDigit((char)b) && b != (byte)':' && b != (byte)'.')
            {
                return false;
            }

            chars[i] = (char)b;
        }

        return IPAddress.TryParse(chars, out address) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    private static bool TryParsePort(ReadOnlySpan<byte> text, out int port) =>
        TryParseDecimal(text, 5, out port) && port <= 65535;

    private static bool TryParseDecimal(ReadOnlySpan<byte> text, int maxDigits, out int value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > maxDigits || (text.Length > 1 && text[0] == (byte)'0'))
        {
            return false;
        }

        foreach (byte b in text)
        {
            if (!char.IsAsciiDigit((char)b))
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }

    /// <summary>
    /// Splits on a separator into at most <paramref name="fields"/>.Length ranges, keeping empty
    /// fields (so a doubled separator shows); returns one more than fits when there are too many.
    /// </summary>
    private static int SplitFields(ReadOnlySpan<byte> text, byte separator, Span<Range> fields)
    {
        int count = 0;
        int start = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] != separator)
            {
                continue;
            }

            if (count == fields.Length)
            {
                return count + 1;
            }

            fields[count++] = start..i;
            start = i + 1;
        }

        return count;
    }

    private static ProxyParseStatus Fail(string why, out string? problem)
    {
        problem = why;
        return ProxyParseStatus.Invalid;
    }
}
