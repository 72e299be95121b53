namespace TcpRelay.CommandLine;

public sealed class ServiceArgumentsTests
{
    [Theory]
    [InlineData("", null, 0)]
    [InlineData("--config /etc/x.json", "/etc/x.json", 0)]
    [InlineData("--config=/etc/x.json", "/etc/x.json", 0)]
    [InlineData("-c x.json -d", "x.json", 1)]
    [InlineData("-d -d --config x.json", "x.json", 2)]
    [InlineData("-ddd", null, 3)]
    public void ConfigPathAndVerbosityAreRead(string args, string? path, int verbosity)
    {
        string[] split = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        ServiceArguments parsed = ServiceArguments.Parse("run", split);

        Assert.Equal(new ServiceArguments(path, verbosity), parsed);
    }

    [Theory]
    [InlineData("--config", "--config needs a file path")]
    [InlineData("relay.json", "'relay.json' is not an option of 'run'")]
    [InlineData("-t 5", "'-t' is not an option of 'run'")]
    public void BadArgumentIsNamed(string args, string message) =>
        Assert.Contains(
            message,
            Assert.Throws<CommandLineException>(() => ServiceArguments.Parse("run", args.Split(' '))).Message,
            StringComparison.Ordinal);
}
