using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace TcpRelay.Admission;

/// <summary>
/// Reads socat's <c>range=</c> option, which becomes the route's one-entry allow list:
/// <c>10.0.0.0/8</c>, <c>10.0.0.0:255.0.0.0</c> (address and mask) or <c>[::1]/128</c>.
/// </summary>
internal static class SocatRange
{
    public static bool TryParse(string text, [NotNullWhen(true)] out IPNetwork? network)
    {
        network = null;
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        bool bracketed = text.StartsWith('[');
        if (!bracketed && colon > 0)
        {
            return TryParseMaskForm(text[..colon], text[(colon + 1)..], out network);
        }

        string candidate = text;
        if (bracketed)
        {
            int close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            candidate = text[1..close] + text[(close + 1)..];
        }

        if (!candidate.Contains('/', StringComparison.Ordinal))
        {
            if (!IPAddress.TryParse(candidate, out IPAddress? host) || HasZone(host))
            {
                return false;
            }

            network = new IPNetwork(host, host.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        // socat masks the address itself; IPNetwork insists on a clean base, so mask it first.
        int slash = candidate.IndexOf('/', StringComparison.Ordinal);
        if (!IPAddress.TryParse(candidate[..slash], out IPAddress? address)
            || !int.TryParse(candidate[(slash + 1)..], System.Globalization.NumberStyles.None, null, out int bits))
        {
            return false;
        }

        int width = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (bits > width || HasZone(address))
        {
            return false;
        }

        network = new IPNetwork(MaskAddress(address, bits), bits);
        return true;
    }

    private static bool TryParseMaskForm(string addressText, string maskText, [NotNullWhen(true)] out IPNetwork? network)
    {
        network = null;
        if (!IPAddress.TryParse(addressText, out IPAddress? address) || !IPAddress.TryParse(maskText, out IPAddress? mask)
            || address.AddressFamily != AddressFamily.InterNetwork || mask.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[4];
        mask.TryWriteBytes(bytes, out _);
        uint maskBits = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        int prefix = System.Numerics.BitOperations.LeadingZeroCount(~maskBits);
        if (prefix < 32 && (maskBits << prefix) != 0)
        {
            return false; // not a contiguous mask
        }

        network = new IPNetwork(MaskAddress(address, prefix), prefix);
        return true;
    }

    private static bool HasZone(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0;

    private static IPAddress MaskAddress(IPAddress address, int prefix)
    {
        byte[] bytes = address.GetAddressBytes();
        for (int i = 0; i < bytes.Length; i++)
        {
            int keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        return new IPAddress(bytes);
    }
}
