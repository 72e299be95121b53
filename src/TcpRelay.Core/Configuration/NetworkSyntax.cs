using System.Net;
using System.Net.Sockets;

namespace TcpRelay.Configuration;

/// <summary>
/// Client networks in relay.json: CIDR (<c>10.0.0.0/8</c>) or a bare address. Bits set beyond the
/// prefix are an error here, unlike socat's <c>range=</c> (see TcpRelay.Admission.SocatRange).
/// </summary>
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
