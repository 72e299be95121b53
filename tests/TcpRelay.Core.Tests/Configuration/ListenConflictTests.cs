namespace TcpRelay.Configuration;

public sealed class ListenConflictTests
{
    [Theory]
    [InlineData("127.0.0.1:9000", "127.0.0.1:9000")]
    [InlineData("0.0.0.0:9000", "127.0.0.1:9000")]
    [InlineData("[::]:9000", "0.0.0.0:9000")]
    [InlineData(":9000", "127.0.0.1:9000")]
    [InlineData("[::]:9000", "[::1]:9000")]
    public void OverlappingListenEndpointsNameBothRoutes(string first, string second)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse($$"""
            { "routes": {
                "first": { "listen": "{{first}}", "target": { "address": "127.0.0.1:80" } },
                "second": { "listen": "{{second}}", "target": { "address": "127.0.0.1:80" } } } }
            """));

        ConfigError error = Assert.Single(e.Errors);
        Assert.Equal("$.routes.second.listen", error.Path);
        Assert.Contains("route 'first'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:9000", "127.0.0.2:9000")]
    [InlineData("0.0.0.0:9000", "0.0.0.0:9001")]
    [InlineData("0.0.0.0:9000", "[::1]:9000")]
    public void DistinctListenEndpointsAreAccepted(string first, string second)
    {
        RelayConfig config = ConfigLoader.Parse($$"""
            { "routes": {
                "first": { "listen": "{{first}}", "target": { "address": "127.0.0.1:80" } },
                "second": { "listen": "{{second}}", "target": { "address": "127.0.0.1:80" } } } }
            """);

        Assert.Equal(2, config.Routes.Count);
    }

    [Fact]
    public void IPv6OnlyWildcardLeavesIPv4Free()
    {
        RelayConfig config = ConfigLoader.Parse("""
            { "routes": {
                "v6": { "listen": "[::]:9000", "ipv6Only": true, "target": { "address": "127.0.0.1:80" } },
                "v4": { "listen": "0.0.0.0:9000", "target": { "address": "127.0.0.1:80" } } } }
            """);

        Assert.Equal(2, config.Routes.Count);
    }

    [Fact]
    public void MetricsListenerMustNotTakeARoutePort()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("""
            { "routes": { "a": { "listen": "0.0.0.0:9464", "target": { "address": "127.0.0.1:80" } } },
              "metrics": { "listen": "127.0.0.1:9464" } }
            """));

        Assert.Equal("$.metrics.listen", Assert.Single(e.Errors).Path);
    }
}
