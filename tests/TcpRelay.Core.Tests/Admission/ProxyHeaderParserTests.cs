using System.Net;
using System.Text;

namespace TcpRelay.Admission;

public class ProxyHeaderParserTests
{
    /// <summary>The v2 signature as the specification spells it out, shared by the PROXY tests.</summary>
    internal static readonly byte[] Signature =
        [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    [Fact]
    public void V1LineBeforeAnHttpRequestEndsAtTheCrlf()
    {
        byte[] input = "PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nGET / HTTP/1.1\r\n"u8.ToArray();

        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.Parse(input, out ProxyHeader header, out _));
        Assert.Equal(47, header.Length);
        Assert.Equal(IPEndPoint.Parse("192.168.0.1:56324"), header.Source);
        Assert.Equal(IPEndPoint.Parse("192.168.0.11:443"), header.Destination);
    }

    [Theory]
    [InlineData("PROXY UNKNOWN\r\n")]
    [InlineData("PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n")]
    public void V1UnknownLeavesTheRealEndpoints(string line)
    {
        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.Parse(Bytes(line), out ProxyHeader header, out _));
        Assert.Equal(line.Length, header.Length);
        Assert.Null(header.Source);
    }

    [Theory]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n", "1.2.3.4:1")]
    [InlineData("PROXY TCP6 2001:db8::1 2001:db8::2 65535 0\r\n", "[2001:db8::1]:65535")]
    [InlineData("PROXY TCP6 2001:0DB8:0000:0000:0000:0000:0000:0001 ::1 80 80\r\n", "[2001:db8::1]:80")]
    [InlineData("PROXY TCP6 ::ffff:1.2.3.4 ::1 80 80\r\n", "[::ffff:1.2.3.4]:80")]
    public void V1ValidLines(string line, string source)
    {
        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.Parse(Bytes(line), out ProxyHeader header, out _));
        Assert.Equal(IPEndPoint.Parse(source), header.Source);
    }

    [Theory]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n")] // LF without CR
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4  5.6.7.8 1 2\r\n")] // two spaces
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n")] // trailing space
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n")] // a port missing
    [InlineData("PROXY TCP4 01.2.3.4 5.6.7.8 1 2\r\n")] // heading zero
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n")]
    [InlineData("PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n")]
    [InlineData("PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4.5 5.6.7.8 1 2\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n")]
    [InlineData("PROXY TCP4 1.2.3.4 5.6.7.8 -1 2\r\n")]
    [InlineData("PROXY TCP4 ::1 5.6.7.8 1 2\r\n")] // family mismatch
    [InlineData("PROXY TCP6 1.2.3.4 ::1 1 2\r\n")]
    [InlineData("PROXY TCP6 fe80::1%2 ::1 1 2\r\n")] // zone index
    [InlineData("PROXY TCP6 [::1] ::1 1 2\r\n")]
    [InlineData("PROXY TCP5 1.2.3.4 5.6.7.8 1 2\r\n")]
    [InlineData("PROXY  TCP4 1.2.3.4 5.6.7.8 1 2\r\n")]
    [InlineData("proxy TCP4 1.2.3.4 5.6.7.8 1 2\r\n")]
    [InlineData("PROXYTCP4\r\n")]
    [InlineData("PROXY TCP4\r\n")]
    [InlineData("PROXY UNKNOW\r\n")]
    [InlineData("GET / HTTP/1.1\r\n")]
    [InlineData("\r\n\r\n\u0000\r\nQUIT\n\u0030")] // v2 signature with version 3
    [InlineData("PROXY TCP4 1.2.3.4\r5.6.7.8 1 2")] // CR not followed by LF, before the line is complete
    public void V1MalformedLinesAreInvalid(string line)
    {
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(Bytes(line), out _, out string? problem));
        Assert.False(string.IsNullOrEmpty(problem));
    }

    [Fact]
    public void V1WithoutCrlfIn107BytesIsInvalid()
    {
        byte[] line = Bytes("PROXY UNKNOWN " + new string('f', 93)); // 107 bytes, no CRLF
        Assert.Equal(107, line.Length);

        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(line, out _, out _));
        Assert.Equal(ProxyParseStatus.Incomplete, ProxyHeaderParser.Parse(line.AsSpan(0, 106), out _, out _));
    }

    [Fact]
    public void V1OfExactly107BytesIsValid()
    {
        byte[] line = Bytes("PROXY UNKNOWN " + new string('f', 91) + "\r\n");
        Assert.Equal(107, line.Length);

        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.Parse(line, out _, out _));
    }

    [Fact]
    public void EveryPrefixOfAValidHeaderIsIncomplete()
    {
        byte[][] headers =
        [
            Bytes("PROXY TCP6 2001:db8::1 2001:db8::2 65535 0\r\n"),
            [.. Signature, 0x21, 0x11, 0x00, 0x0C, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 0, 2],
        ];
        foreach (byte[] header in headers)
        {
            for (int n = 0; n < header.Length; n++)
            {
                Assert.Equal(ProxyParseStatus.Incomplete, ProxyHeaderParser.Parse(header.AsSpan(0, n), out _, out _));
            }

            Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.Parse(header, out _, out _));
        }
    }

    [Fact]
    public void V2Tcp4WithTrailingClientBytes()
    {
        byte[] input = [.. Signature, 0x21, 0x11, 0x00, 0x0C, 10, 0, 0, 1, 10, 0, 0, 2, 0x30, 0x39, 0x00, 0x50, 0x47, 0x45];

        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.Parse(input, out ProxyHeader header, out _));
        Assert.Equal(28, header.Length);
        Assert.Equal(IPEndPoint.Parse("10.0.0.1:12345"), header.Source);
        Assert.Equal(IPEndPoint.Parse("10.0.0.2:80"), header.Destination);
    }

    [Fact]
    public void V2TlvsAfterTheAddressesAreSkipped()
    {
        byte[] input =
        [
            .. Signature, 0x21, 0x11, 0x00, 0x15,
            10, 0, 0, 1, 10, 0, 0, 2, 0x30, 0x39, 0x00, 0x50,
            0x04, 0x00, 0x02, 0x00, 0x00, // NOOP with two bytes
            0x05, 0x00, 0x01, 0x07, // UNIQUE_ID, one byte
        ];

        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.Parse(input, out ProxyHeader header, out _));
        Assert.Equal(37, header.Length);
    }

    [Theory]
    [InlineData(new byte[] { 0x20, 0x00, 0x00, 0x00 })] // LOCAL
    [InlineData(new byte[] { 0x20, 0x11, 0x00, 0x0C, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 0, 2 })] // LOCAL with a block
    [InlineData(new byte[] { 0x21, 0x00, 0x00, 0x00 })] // PROXY, UNSPEC
    [InlineData(new byte[] { 0x21, 0x12, 0x00, 0x0C, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 0, 2 })] // UDP4
    public void V2WithoutForwardableAddressesLeavesTheRealEndpoints(byte[] rest)
    {
        byte[] input = [.. Signature, .. rest];

        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.Parse(input, out ProxyHeader header, out _));
        Assert.Equal(input.Length, header.Length);
        Assert.Null(header.Source);
    }

    [Theory]
    [InlineData(new byte[] { 0x11, 0x11, 0x00, 0x0C })] // version 1
    [InlineData(new byte[] { 0x22, 0x11, 0x00, 0x0C })] // command 2
    [InlineData(new byte[] { 0x21, 0x41, 0x00, 0x0C })] // family 4
    [InlineData(new byte[] { 0x21, 0x13, 0x00, 0x0C })] // transport 3
    [InlineData(new byte[] { 0x21, 0x11, 0x00, 0x0B })] // shorter than TCP4 needs
    [InlineData(new byte[] { 0x21, 0x21, 0x00, 0x0C })] // shorter than TCP6 needs
    [InlineData(new byte[] { 0x21, 0x11, 0x08, 0x01 })] // longer than the bound
    [InlineData(new byte[] { 0x21, 0x00, 0x00, 0x02, 0x04, 0x00 })] // TLV cut short
    [InlineData(new byte[] { 0x21, 0x00, 0x00, 0x04, 0x04, 0x00, 0x05, 0x00 })] // TLV longer than the block
    public void V2MalformedHeadersAreInvalid(byte[] rest)
    {
        byte[] input = [.. Signature, .. rest, .. new byte[64]];

        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(input, out _, out _));
    }

    [Fact]
    public void V2SignatureMismatchIsInvalidAsSoonAsItShows()
    {
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse([0x0D, 0x0A, 0x0D, 0x0B], out _, out _));
    }

    [Fact]
    public void FuzzedInputNeverThrowsAndNeverClaimsMoreThanItWasGiven()
    {
        var random = new Random(20261203);
        byte[][] seeds =
        [
            Bytes("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"),
            Bytes("PROXY TCP6 2001:db8::1 2001:db8::2 65535 0\r\n"),
            Bytes("PROXY UNKNOWN\r\n"),
            [.. Signature, 0x21, 0x11, 0x00, 0x0C, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 0, 2],
            [.. Signature, 0x21, 0x21, 0x00, 0x24, .. new byte[36]],
        ];
        for (int i = 0; i < 20_000; i++)
        {
            byte[] input = (i % 4) switch
            {
                0 => RandomBytes(random, random.Next(0, 300)),
                1 => Mutate(random, seeds[random.Next(seeds.Length)]),
                2 => seeds[random.Next(seeds.Length)][..random.Next(0, 16)],
                _ => [.. seeds[random.Next(seeds.Length)], .. RandomBytes(random, random.Next(0, 3000))],
            };

            ProxyParseStatus status = ProxyHeaderParser.Parse(input, out ProxyHeader header, out string? problem);

            if (status == ProxyParseStatus.Complete)
            {
                Assert.InRange(header.Length, ProxyHeaderParser.V1MinLength, Math.Min(input.Length, ProxyHeaderParser.MaxLength));
            }
            else if (status == ProxyParseStatus.Invalid)
            {
                Assert.NotNull(problem);
            }
            else
            {
                Assert.True(input.Length < ProxyHeaderParser.MaxLength);
            }
        }
    }

    internal static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    internal static byte[] Mutate(Random random, byte[] seed)
    {
        byte[] copy = [.. seed];
        int changes = random.Next(1, 4);
        for (int c = 0; c < changes; c++)
        {
            copy[random.Next(copy.Length)] = (byte)random.Next(256);
        }

        return copy;
    }

    private static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);
}
