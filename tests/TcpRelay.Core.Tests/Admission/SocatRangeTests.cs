using System.Net;

namespace TcpRelay.Admission;

public class SocatRangeTests
{
    [Theory]
    [InlineData("10.0.0.0/8", "10.0.0.0/8")]
    [InlineData("10.1.2.3/8", "10.0.0.0/8")]
    [InlineData("10.0.0.0:255.0.0.0", "10.0.0.0/8")]
    [InlineData("192.168.1.7:255.255.255.0", "192.168.1.0/24")]
    [InlineData("0.0.0.0:0.0.0.0", "0.0.0.0/0")]
    [InlineData("[::1]/128", "::1/128")]
    [InlineData("[2001:db8::5]/32", "2001:db8::/32")]
    [InlineData("127.0.0.1", "127.0.0.1/32")]
    [InlineData("[::1]", "::1/128")]
    public void ReadsEachFormSocatAccepts(string range, string expected)
    {
        Assert.True(SocatRange.TryParse(range, out IPNetwork? network));
        Assert.Equal(IPNetwork.Parse(expected), network);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0:255.0.255.0")]
    [InlineData("10.0.0.0/x")]
    [InlineData("[::1/128")]
    [InlineData("::1/128:5")]
    [InlineData("nonsense")]
    [InlineData("")]
    public void RejectsWhatIsNoRange(string range)
    {
        Assert.False(SocatRange.TryParse(range, out _));
    }
}
