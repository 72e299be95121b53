using System.Net;

namespace TcpRelay.Configuration;

public sealed class ConfigEqualityTests
{
    private static RouteConfig Route(params string[] allow) => new()
    {
        Name = "web",
        Listen = new ListenConfig { EndPoint = IPEndPoint.Parse("127.0.0.1:8080") },
        Target = new AddressTarget { Host = "127.0.0.1", Port = 80 },
        Admission = new AdmissionConfig
        {
            Allow = [.. allow.Select(IPNetwork.Parse)],
            AcceptProxy = new AcceptProxyConfig { From = [IPNetwork.Parse("10.0.0.0/8")] },
        },
    };

    [Fact]
    public void RoutesBuiltSeparatelyWithEqualListsAreEqual()
    {
        RouteConfig first = Route("127.0.0.0/8", "::1/128");
        RouteConfig second = Route("127.0.0.0/8", "::1/128");

        Assert.NotEqual(first, second);
        Assert.True(ConfigEquality.AreEqual(first, second));
    }

    [Fact]
    public void AnyDifferenceInsideAListOrAScalarMakesRoutesDifferent()
    {
        Assert.False(ConfigEquality.AreEqual(Route("127.0.0.0/8"), Route("127.0.0.0/16")));
        Assert.False(ConfigEquality.AreEqual(Route("127.0.0.0/8"), Route("127.0.0.0/8", "::1/128")));
        Assert.False(ConfigEquality.AreEqual(Route(), Route() with { Target = new AddressTarget { Host = "::1", Port = 80 } }));
        Assert.False(ConfigEquality.AreEqual(
            Route(), Route() with { Connection = new ConnectionOptions { IdleTimeout = TimeSpan.FromMinutes(1) } }));
    }

    [Fact]
    public void DictionariesCompareByKeyWhateverTheirOrder()
    {
        var first = new Dictionary<string, RouteConfig> { ["a"] = Route(), ["b"] = Route("127.0.0.0/8") };
        var second = new Dictionary<string, RouteConfig> { ["b"] = Route("127.0.0.0/8"), ["a"] = Route() };

        Assert.True(ConfigEquality.AreEqual(first, second));
        second["a"] = Route("::1/128");
        Assert.False(ConfigEquality.AreEqual(first, second));
    }
}
