namespace TcpRelay.CommandLine;

public sealed class SocatCommandLineErrorTests
{
    [Theory]
    [InlineData("TCP-LISTEN:9000,frok", "TCP:127.0.0.1:80", "'frok'")]
    [InlineData("TCP-LISTEN:9000,su=nobody", "TCP:127.0.0.1:80", "'su'")]
    [InlineData("TCP-LISTEN:9000", "TCP:127.0.0.1:80,retry=3", "'retry'")]
    [InlineData("TCP-LISTEN:9000", "TCP:127.0.0.1:80,fork", "'fork'")]
    [InlineData("TCP-LISTEN:9000", "DOCKER:web:80,sourceport=1", "'sourceport'")]
    [InlineData("TCP-LISTEN:9000", "NETNS:/run/netns/a:127.0.0.1:80,bind=127.0.0.1", "'bind'")]
    public void UnknownOptionIsNamed(string listen, string connect, string named) =>
        Assert.Contains(named, Error(listen, connect), StringComparison.Ordinal);

    [Theory]
    [InlineData("UDP-LISTEN:53", "TCP:127.0.0.1:80", "'UDP-LISTEN'")]
    [InlineData("TCP-LISTEN:9000", "STDIO", "'STDIO'")]
    [InlineData("-", "TCP:127.0.0.1:80", "'-'")]
    [InlineData("TCP-LISTEN:9000", "OPENSSL:host:443", "'OPENSSL'")]
    public void UnsupportedAddressTypeIsNamed(string first, string second, string named) =>
        Assert.Contains(named, Error(first, second), StringComparison.Ordinal);

    [Theory]
    [InlineData("TCP-LISTEN:0", "TCP:127.0.0.1:80", "port")]
    [InlineData("TCP-LISTEN:http", "TCP:127.0.0.1:80", "port")]
    [InlineData("TCP-LISTEN:9000,backlog=0", "TCP:127.0.0.1:80", "backlog=0")]
    [InlineData("TCP-LISTEN:9000,backlog=many", "TCP:127.0.0.1:80", "backlog=many")]
    [InlineData("TCP-LISTEN:9000,max-children=0", "TCP:127.0.0.1:80", "max-children=0")]
    [InlineData("TCP-LISTEN:9000,range=banana", "TCP:127.0.0.1:80", "range=banana")]
    [InlineData("TCP-LISTEN:9000,range", "TCP:127.0.0.1:80", "range")]
    [InlineData("TCP-LISTEN:9000,range=10.0.0.0/8,range=10.1.0.0/16", "TCP:127.0.0.1:80", "once")]
    [InlineData("TCP-LISTEN:9000,bind=eth0", "TCP:127.0.0.1:80", "bind=eth0")]
    [InlineData("TCP4-LISTEN:9000,bind=::1", "TCP:127.0.0.1:80", "bind=::1")]
    [InlineData("TCP4-LISTEN:9000,ipv6only", "TCP:127.0.0.1:80", "ipv6only")]
    [InlineData("TCP-LISTEN:9000,fork=2", "TCP:127.0.0.1:80", "fork=2")]
    [InlineData("TCP-LISTEN:9000", "TCP:127.0.0.1:80,connect-timeout=0", "connect-timeout")]
    [InlineData("TCP-LISTEN:9000", "TCP:127.0.0.1:80,sourceport=70000", "sourceport=70000")]
    [InlineData("TCP-LISTEN:9000", "TCP:127.0.0.1", "127.0.0.1")]
    [InlineData("TCP-LISTEN:9000", "TCP4:[::1]:80", "::1")]
    [InlineData("TCP-LISTEN:9000", "DOCKER:web", "DOCKER")]
    [InlineData("TCP-LISTEN:9000", "DOCKER:web:80,via=tunnel", "via=tunnel")]
    [InlineData("TCP-LISTEN:9000", "NETNS:app:127.0.0.1:80", "NETNS")]
    public void BadValueIsNamed(string listen, string connect, string named) =>
        Assert.Contains(named, Error(listen, connect), StringComparison.Ordinal);

    [Fact]
    public void ConnectingAddressFirstIsAnError() =>
        Assert.Contains(
            "first address must listen", Error("TCP:127.0.0.1:80", "TCP-LISTEN:9000"), StringComparison.Ordinal);

    [Theory]
    [InlineData("TCP-LISTEN:9000")]
    [InlineData("TCP-LISTEN:9000 TCP:127.0.0.1:80 TCP:127.0.0.1:81")]
    [InlineData("-d")]
    public void AnythingButTwoAddressesIsAnError(string args) =>
        Assert.Contains("two addresses", Error(args.Split(' ')), StringComparison.Ordinal);

    [Theory]
    [InlineData("-x TCP-LISTEN:9000 TCP:127.0.0.1:80", "'-x'")]
    [InlineData("-lf /tmp/log TCP-LISTEN:9000 TCP:127.0.0.1:80", "'-lf'")]
    [InlineData("-t soon TCP-LISTEN:9000 TCP:127.0.0.1:80", "-t")]
    [InlineData("-T 0 TCP-LISTEN:9000 TCP:127.0.0.1:80", "-T")]
    [InlineData("TCP-LISTEN:9000 TCP:127.0.0.1:80 -t", "two addresses")]
    public void BadGlobalOptionIsNamed(string args, string named) =>
        Assert.Contains(named, Error(args.Split(' ')), StringComparison.Ordinal);

    private static string Error(params string[] args) =>
        Assert.Throws<CommandLineException>(() => SocatCommandLine.Parse(args)).Message;
}
