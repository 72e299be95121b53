using System.Net;
using System.Net.Sockets;

namespace TcpRelay.Configuration;

/// <summary>Client networks: CIDR (<c>10.0.0.0/8</c>), a bare address, or socat's <c>addr:mask</c>.</summary>
internal static class NetworkSyntax
{
    public static bool TryParse(string text, out IPNetwork network, out string error)
    {
        network = default;
        error = string.Empty;
        string s = text.Trim();
        int slash = s.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            if (EndPointSyntax.TryParseAddress(s, out IPAddress single))
            {
                network = new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
                return true;
            }

            if (TryParseMaskForm(s, out network))
            {
                return true;
            }

            error = $"'{text}' is not a network; write \"10.0.0.0/8\", \"fd00::/8\" or an address";
            return false;
        }

        string addressText = s[..slash];
        if (!EndPointSyntax.TryParseAddress(addressText, out IPAddress address)
            || !int.TryParse(s[(slash + 1)..], out int prefix)
            || prefix < 0
            || prefix > (address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128))
        {
            error = $"'{text}' is not a network; write \"10.0.0.0/8\", \"fd00::/8\" or an address";
            return false;
        }

        network = new IPNetwork(Masked(address, prefix), prefix);
        if (!network.BaseAddress.Equals(address))
        {
            error = $"'{text}' has bits set beyond the /{prefix} prefix; did you mean \"{network}\"?";
            return false;
        }

        return true;
    }

    /// <summary>socat's <c>range=10.0.0.0:255.0.0.0</c>.</summary>
    private static bool TryParseMaskForm(string s, out IPNetwork network)
    {
        network = default;
        int colon = s.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || s.IndexOf(':', colon + 1) >= 0
            || !IPAddress.TryParse(s[..colon], out IPAddress? address)
            || !IPAddress.TryParse(s[(colon + 1)..], out IPAddress? mask)
            || address.AddressFamily != AddressFamily.InterNetwork
            || mask.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }

        uint bits = BitConverterBigEndian(mask);
        int prefix = System.Numerics.BitOperations.LeadingZeroCount(~bits);
        if (prefix < 32 && bits << prefix != 0)
        {
            return false; // not a contiguous mask
        }

        network = new IPNetwork(Masked(address, prefix), prefix);
        return true;
    }

    private static uint BitConverterBigEndian(IPAddress address)
    {
        byte[] b = address.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }

    private static IPAddress Masked(IPAddress address, int prefix)
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
