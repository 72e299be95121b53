using System.Net;
using System.Text;
using TcpRelay.Configuration;

namespace TcpRelay.Admission;

/// <summary>Expected bytes are written out from the protocol specification's text, not from the writer.</summary>
public class ProxyHeaderWriterTests
{
    private static readonly byte[] Signature = ProxyHeaderParserTests.Signature;

    [Fact]
    public void V1MatchesTheSpecificationsExampleLine()
    {
        byte[] header = Write(ProxyProtocolVersion.V1, "192.168.0.1", 56324, "192.168.0.11", 443);

        Assert.Equal("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"u8.ToArray(), header);
    }

    [Fact]
    public void V1LongestTcp4LineIs56Bytes()
    {
        byte[] header = Write(ProxyProtocolVersion.V1, "255.255.255.255", 65535, "255.255.255.255", 65535);

        Assert.Equal("PROXY TCP4 255.255.255.255 255.255.255.255 65535 65535\r\n"u8.ToArray(), header);
        Assert.Equal(56, header.Length);
    }

    [Fact]
    public void V1LongestTcp6LineIs104Bytes()
    {
        const string all = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        byte[] header = Write(ProxyProtocolVersion.V1, all, 65535, all, 65535);

        Assert.Equal(Encoding.ASCII.GetBytes($"PROXY TCP6 {all} {all} 65535 65535\r\n"), header);
        Assert.Equal(104, header.Length);
    }

    [Fact]
    public void V1ShortUnknownFormWhenAddressesAreMissing()
    {
        byte[] header = Write(ProxyProtocolVersion.V1, null, 0, "192.168.0.11", 443);

        Assert.Equal("PROXY UNKNOWN\r\n"u8.ToArray(), header);
    }

    [Fact]
    public void V1UnknownWhenFamiliesDiffer()
    {
        byte[] header = Write(ProxyProtocolVersion.V1, "192.168.0.1", 1, "2001:db8::1", 443);

        Assert.Equal("PROXY UNKNOWN\r\n"u8.ToArray(), header);
    }

    [Fact]
    public void V1WritesMappedClientsAsTcp4()
    {
        byte[] header = Write(ProxyProtocolVersion.V1, "::ffff:192.168.0.1", 56324, "::ffff:192.168.0.11", 443);

        Assert.Equal("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"u8.ToArray(), header);
    }

    [Fact]
    public void V1DropsTheZoneIndex()
    {
        var source = new IPEndPoint(IPAddress.Parse("fe80::1%2"), 1000);
        var destination = new IPEndPoint(IPAddress.Parse("fe80::2%2"), 80);
        var buffer = new byte[ProxyHeaderWriter.MaxLength];

        int n = ProxyHeaderWriter.Write(ProxyProtocolVersion.V1, source, destination, buffer);

        Assert.Equal("PROXY TCP6 fe80::1 fe80::2 1000 80\r\n"u8.ToArray(), buffer[..n]);
    }

    [Fact]
    public void V2Tcp4IsSignatureCommandFamilyLengthThenAddressesAndPorts()
    {
        byte[] header = Write(ProxyProtocolVersion.V2, "192.168.0.1", 56324, "192.168.0.11", 443);

        byte[] expected =
        [
            .. Signature,
            0x21, // version 2, command PROXY
            0x11, // AF_INET, STREAM
            0x00, 0x0C, // 2*4 + 2*2 = 12 address bytes
            192, 168, 0, 1, // source address
            192, 168, 0, 11, // destination address
            0xDC, 0x04, // source port 56324
            0x01, 0xBB, // destination port 443
        ];
        Assert.Equal(expected, header);
    }

    [Fact]
    public void V2Tcp6CarriesSixteenByteAddresses()
    {
        byte[] header = Write(ProxyProtocolVersion.V2, "2001:db8::1", 65535, "2001:db8::2", 8080);

        byte[] expected =
        [
            .. Signature,
            0x21, // version 2, command PROXY
            0x21, // AF_INET6, STREAM
            0x00, 0x24, // 2*16 + 2*2 = 36 address bytes
            0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
            0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
            0xFF, 0xFF, // source port 65535
            0x1F, 0x90, // destination port 8080
        ];
        Assert.Equal(expected, header);
    }

    [Fact]
    public void V2MappedClientGoesOutAsTcp4()
    {
        byte[] header = Write(ProxyProtocolVersion.V2, "::ffff:10.1.2.3", 1, "::ffff:10.0.0.1", 2);

        Assert.Equal(0x11, header[13]);
        Assert.Equal(28, header.Length);
    }

    [Fact]
    public void V2LocalWithoutAddressesWhenUnknown()
    {
        byte[] header = Write(ProxyProtocolVersion.V2, "10.0.0.1", 1, null, 0);

        Assert.Equal([.. Signature, 0x20, 0x00, 0x00, 0x00], header);
    }

    [Fact]
    public void NoneWritesNothing()
    {
        Assert.Empty(Write(ProxyProtocolVersion.None, "10.0.0.1", 1, "10.0.0.2", 2));
    }

    [Theory]
    [InlineData(ProxyProtocolVersion.V1, "10.1.2.3", "10.0.0.1")]
    [InlineData(ProxyProtocolVersion.V2, "10.1.2.3", "10.0.0.1")]
    [InlineData(ProxyProtocolVersion.V1, "2001:db8::7", "::1")]
    [InlineData(ProxyProtocolVersion.V2, "2001:db8::7", "::1")]
    public void WrittenHeadersParseBackToTheSameEndpoints(ProxyProtocolVersion version, string source, string destination)
    {
        byte[] header = Write(version, source, 40000, destination, 9000);

        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.Parse(header, out ProxyHeader parsed, out _));
        Assert.Equal(header.Length, parsed.Length);
        Assert.Equal(new IPEndPoint(IPAddress.Parse(source), 40000), parsed.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse(destination), 9000), parsed.Destination);
    }

    private static byte[] Write(
        ProxyProtocolVersion version, string? source, int sourcePort, string? destination, int destinationPort)
    {
        var buffer = new byte[ProxyHeaderWriter.MaxLength];
        int n = ProxyHeaderWriter.Write(
            version,
            source is null ? null : new IPEndPoint(IPAddress.Parse(source), sourcePort),
            destination is null ? null : new IPEndPoint(IPAddress.Parse(destination), destinationPort),
            buffer);
        return buffer[..n];
    }
}
