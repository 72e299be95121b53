using System.Globalization;
using System.Net;

namespace TcpRelay.Configuration;

/// <summary>
/// Endpoints as written in relay.json and on the command line: <c>0.0.0.0:9000</c>,
/// <c>[::]:9000</c>, <c>:9000</c> (any address, dual-stack), <c>host:port</c>.
/// </summary>
internal static class EndPointSyntax
{
    public static bool TryParsePort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port)
        && port is >= 1 and <= 65535;

    /// <summary>An IP literal, IPv6 with or without brackets.</summary>
    public static bool TryParseAddress(string text, out IPAddress address)
    {
        string s = text.StartsWith('[') && text.EndsWith(']') ? text[1..^1] : text;
        address = IPAddress.None;
        return s.Length > 0 && IPAddress.TryParse(s, out address!) && !s.Contains('%', StringComparison.Ordinal);
    }

    /// <summary>Splits <c>host:port</c> or <c>[v6]:port</c>; the host may be empty.</summary>
    public static bool TrySplitHostPort(string text, out string host, out string port)
    {
        host = port = string.Empty;
        int colon;
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
            {
                return false;
            }

            colon = close + 1;
        }
        else
        {
            colon = text.LastIndexOf(':');
            if (colon < 0 || text.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                return false; // an IPv6 literal needs brackets to carry a port
            }
        }

        host = text[..colon];
        port = text[(colon + 1)..];
        return true;
    }

    /// <summary>A listen endpoint; an empty host means the IPv6 any address, dual-stack.</summary>
    public static bool TryParseListen(string text, out IPEndPoint endPoint, out string error)
    {
        endPoint = new IPEndPoint(IPAddress.Any, 0);
        if (!TrySplitHostPort(text, out string host, out string portText))
        {
            error = $"'{text}' is not an endpoint; write \"0.0.0.0:9000\", \"[::]:9000\" or \":9000\"";
            return false;
        }

        if (!TryParsePort(portText, out int port))
        {
            error = $"port '{portText}' in '{text}' must be a number from 1 to 65535";
            return false;
        }

        IPAddress address = IPAddress.IPv6Any;
        if (host.Length > 0 && !TryParseAddress(host, out address))
        {
            error = $"'{host}' in '{text}' is not an IP address (listen addresses are IP literals)";
            return false;
        }

        endPoint = new IPEndPoint(address, port);
        error = string.Empty;
        return true;
    }

    /// <summary>A dial target <c>host:port</c>: an IP literal or a DNS name.</summary>
    public static bool TryParseTarget(string text, out string host, out int port, out string error)
    {
        port = 0;
        if (!TrySplitHostPort(text, out host, out string portText) || host.Length == 0)
        {
            error = $"'{text}' is not host:port; write \"172.20.0.10:8080\", \"[fd00::10]:8080\" or \"name:8080\"";
            return false;
        }

        host = host.Trim('[', ']');
        if (!TryParsePort(portText, out port))
        {
            error = $"port '{portText}' in '{text}' must be a number from 1 to 65535";
            return false;
        }

        if (!TryParseAddress(host, out _) && Uri.CheckHostName(host) != UriHostNameType.Dns)
        {
            error = $"'{host}' in '{text}' is neither an IP address nor a host name";
            return false;
        }

        error = string.Empty;
        return true;
    }

    /// <summary>Writes an endpoint the way it is parsed back (<c>[::]:9000</c>, <c>0.0.0.0:9000</c>).</summary>
    public static string Format(IPEndPoint endPoint) => endPoint.ToString();
}
