using System.Net;

namespace TcpRelay.Admission;

public class AddressRulesTests
{
    // allow list, deny list (comma-separated, "" for empty), client, expected verdict
    public static TheoryData<string, string, string, string> Matrix => new()
    {
        // IPv4
        { "", "", "203.0.113.7", "None" },
        { "10.0.0.0/8", "", "10.1.2.3", "None" },
        { "10.0.0.0/8", "", "11.0.0.1", "NotAllowed" },
        { "10.0.0.0/8", "10.9.0.0/16", "10.9.1.1", "DenyList" },
        { "10.0.0.0/8", "10.9.0.0/16", "10.8.1.1", "None" },
        { "", "192.168.1.0/24", "192.168.1.200", "DenyList" },
        { "", "192.168.1.0/24", "192.168.2.1", "None" },
        { "0.0.0.0/0", "", "1.2.3.4", "None" },
        { "127.0.0.1/32", "", "127.0.0.1", "None" },
        { "127.0.0.1/32", "", "127.0.0.2", "NotAllowed" },
        { "10.0.0.0/8", "10.0.0.0/8", "10.0.0.1", "DenyList" },

        // IPv6
        { "2001:db8::/32", "", "2001:db8:1::5", "None" },
        { "2001:db8::/32", "", "2001:db9::5", "NotAllowed" },
        { "::/0", "2001:db8:bad::/48", "2001:db8:bad::1", "DenyList" },
        { "::/0", "2001:db8:bad::/48", "2001:db8:600d::1", "None" },
        { "::1/128", "", "::1", "None" },
        { "fe80::/10", "", "fe80::1", "None" },

        // IPv4-mapped clients (a dual-stack listener's view of IPv4) match IPv4 rules.
        { "10.0.0.0/8", "", "::ffff:10.0.0.1", "None" },
        { "10.0.0.0/8", "", "::ffff:11.0.0.1", "NotAllowed" },
        { "", "10.0.0.0/8", "::ffff:10.0.0.1", "DenyList" },
        { "127.0.0.0/8", "", "::ffff:127.0.0.1", "None" },

        // Rules in mapped form are the IPv4 networks they name, for both client forms.
        { "::ffff:10.0.0.0/104", "", "10.2.3.4", "None" },
        { "::ffff:10.0.0.0/104", "", "::ffff:10.2.3.4", "None" },
        { "::ffff:10.0.0.0/104", "", "11.2.3.4", "NotAllowed" },

        // A rule of one family never matches a client of the other.
        { "::/0", "", "10.0.0.1", "NotAllowed" },
        { "::/0", "", "::ffff:10.0.0.1", "NotAllowed" },
        { "", "::/0", "10.0.0.1", "None" },
        { "0.0.0.0/0", "", "2001:db8::1", "NotAllowed" },
        { "", "0.0.0.0/0", "2001:db8::1", "None" },
        { "10.0.0.0/8", "", "::a00:1", "NotAllowed" },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public void ClientIsJudgedByBothLists(string allow, string deny, string client, string expected)
    {
        var rules = new AddressRules(Networks(allow), Networks(deny));

        Assert.Equal(Enum.Parse<Refusal>(expected), rules.Check(IPAddress.Parse(client)));
    }

    [Fact]
    public void EmptyListsAreOpen()
    {
        Assert.True(new AddressRules([], []).IsOpen);
        Assert.False(new AddressRules([], Networks("10.0.0.0/8")).IsOpen);
    }

    [Fact]
    public void CheckAllocatesNothing()
    {
        var rules = new AddressRules(Networks("10.0.0.0/8,2001:db8::/32"), Networks("10.9.0.0/16"));
        IPAddress[] clients =
            [IPAddress.Parse("10.1.1.1"), IPAddress.Parse("::ffff:10.9.0.1"), IPAddress.Parse("2001:db8::1")];
        foreach (IPAddress client in clients)
        {
            rules.Check(client);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            rules.Check(clients[i % clients.Length]);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    internal static IPNetwork[] Networks(string list) =>
        list.Length == 0 ? [] : [.. list.Split(',').Select(IPNetwork.Parse)];
}
