using System.Net;
using System.Net.Sockets;

namespace TcpRelay.Configuration;

/// <summary>
/// Finds routes (and the metrics listener) that would bind the same port on overlapping
/// addresses: equal endpoints, or a wildcard address that covers another route's address.
/// </summary>
internal static class ListenConflicts
{
    public static void Check(RelayConfig config, ValidationErrors errors)
    {
        var seen = new List<(string Owner, IPEndPoint EndPoint, bool IPv6Only)>();
        foreach ((string name, RouteConfig route) in config.Routes)
        {
            ListenConfig listen = route.Listen;
            if (listen.EndPoint.Port == 0)
            {
                continue; // invalid, reported elsewhere
            }

            foreach ((string owner, IPEndPoint other, bool otherV6Only) in seen)
            {
                if (Overlap(listen.EndPoint, listen.IPv6Only, other, otherV6Only))
                {
                    errors.At("routes").At(name).Add("listen",
                        $"listen {listen.EndPoint} overlaps {owner} ({other}); each endpoint can serve one route");
                }
            }

            seen.Add(($"route '{name}'", listen.EndPoint, listen.IPv6Only));
        }

        if (config.Metrics is { Listen: { Port: > 0 } metrics })
        {
            foreach ((string owner, IPEndPoint other, bool otherV6Only) in seen)
            {
                if (Overlap(metrics, false, other, otherV6Only))
                {
                    errors.At("metrics").Add("listen", $"metrics listen {metrics} overlaps {owner} ({other})");
                }
            }
        }
    }

    private static bool Overlap(IPEndPoint a, bool aV6Only, IPEndPoint b, bool bV6Only) =>
        a.Port == b.Port && (a.Address.Equals(b.Address) || Covers(a, aV6Only, b) || Covers(b, bV6Only, a));

    // A dual-stack [::] listener also takes the IPv4 port; 0.0.0.0 takes every IPv4 address.
    private static bool Covers(IPEndPoint wildcard, bool v6Only, IPEndPoint other)
    {
        bool otherIsV4 = other.AddressFamily == AddressFamily.InterNetwork || other.Address.IsIPv4MappedToIPv6;
        if (wildcard.Address.Equals(IPAddress.Any))
        {
            return otherIsV4;
        }

        return wildcard.Address.Equals(IPAddress.IPv6Any) && (!otherIsV4 || !v6Only);
    }
}
