using System.Net;

namespace TcpRelay.Configuration;

public sealed class SyntaxTests
{
    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("5s", 5000)]
    [InlineData("1.5s", 1500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("0s", 0)]
    public void DurationsParseWithTheirUnit(string text, int milliseconds)
    {
        Assert.True(DurationSyntax.TryParse(text, out TimeSpan value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("-5s")]
    [InlineData("5 parsecs")]
    [InlineData("1m30s")]
    public void DurationsWithoutAValidUnitAreRejected(string text) =>
        Assert.False(DurationSyntax.TryParse(text, out _));

    [Theory]
    [InlineData("10.0.0.0/8", "10.0.0.0/8")]
    [InlineData("10.1.2.3", "10.1.2.3/32")]
    [InlineData("fd00::/8", "fd00::/8")]
    [InlineData("::1", "::1/128")]
    [InlineData("[::1]/128", "::1/128")]
    public void NetworksParseInEveryAcceptedForm(string text, string expected)
    {
        Assert.True(NetworkSyntax.TryParse(text, out IPNetwork network, out string error), error);
        Assert.Equal(IPNetwork.Parse(expected), network);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.1/8")]
    [InlineData("10.0.0.0:255.0.0.0")]
    [InlineData("host.example")]
    [InlineData("")]
    public void MalformedNetworksAreRejected(string text) =>
        Assert.False(NetworkSyntax.TryParse(text, out _, out _));
}
