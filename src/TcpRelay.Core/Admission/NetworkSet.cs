using System.Net;
using System.Net.Sockets;

namespace TcpRelay.Admission;

/// <summary>
/// A list of CIDR networks compiled into masks so a lookup is a short loop over integers with no
/// allocation: it runs for every accepted connection.
/// </summary>
/// <remarks>
/// IPv4 clients, also those a dual-stack listener reports as <c>::ffff:a.b.c.d</c>, are matched
/// only against IPv4 networks; native IPv6 clients only against IPv6 networks. A network written
/// in mapped form (<c>::ffff:10.0.0.0/104</c>) is read as the IPv4 network it names
/// (<c>10.0.0.0/8</c>). So <c>::/0</c> means every IPv6 client and never an IPv4 one: a rule of
/// one family does not match the other by accident. Lookups are linear; lists are expected to
/// hold tens of entries, not thousands (a prefix trie would be the fix for huge lists).
/// </remarks>
internal sealed class NetworkSet
{
    private readonly uint[] _v4Networks;
    private readonly uint[] _v4Masks;
    private readonly UInt128[] _v6Networks;
    private readonly UInt128[] _v6Masks;

    public NetworkSet(IEnumerable<IPNetwork> networks)
    {
        var v4Networks = new List<uint>();
        var v4Masks = new List<uint>();
        var v6Networks = new List<UInt128>();
        var v6Masks = new List<UInt128>();
        foreach (IPNetwork network in networks)
        {
            IPAddress baseAddress = network.BaseAddress;
            int prefix = network.PrefixLength;
            if (baseAddress.AddressFamily == AddressFamily.InterNetwork
                || (baseAddress.IsIPv4MappedToIPv6 && prefix >= 96))
            {
                int v4Prefix = baseAddress.AddressFamily == AddressFamily.InterNetwork ? prefix : prefix - 96;
                uint mask = v4Prefix == 0 ? 0u : uint.MaxValue << (32 - v4Prefix);
                AddressBits.TryGetIPv4(baseAddress, out uint bits);
                v4Networks.Add(bits & mask);
                v4Masks.Add(mask);
            }
            else
            {
                UInt128 mask = prefix == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - prefix);
                v6Networks.Add(AddressBits.GetIPv6(baseAddress) & mask);
                v6Masks.Add(mask);
            }
        }

        _v4Networks = [.. v4Networks];
        _v4Masks = [.. v4Masks];
        _v6Networks = [.. v6Networks];
        _v6Masks = [.. v6Masks];
    }

    /// <summary>True when the set holds no network at all.</summary>
    public bool IsEmpty => _v4Networks.Length == 0 && _v6Networks.Length == 0;

    /// <summary>Whether the address lies in one of the networks (see the remarks on families).</summary>
    public bool Contains(IPAddress address)
    {
        if (AddressBits.TryGetIPv4(address, out uint v4))
        {
            for (int i = 0; i < _v4Networks.Length; i++)
            {
                if ((v4 & _v4Masks[i]) == _v4Networks[i])
                {
                    return true;
                }
            }

            return false;
        }

        if (_v6Networks.Length == 0)
        {
            return false;
        }

        UInt128 v6 = AddressBits.GetIPv6(address);
        for (int i = 0; i < _v6Networks.Length; i++)
        {
            if ((v6 & _v6Masks[i]) == _v6Networks[i])
            {
                return true;
            }
        }

        return false;
    }
}
