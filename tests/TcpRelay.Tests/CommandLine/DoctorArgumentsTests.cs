namespace TcpRelay.CommandLine;

public sealed class DoctorArgumentsTests
{
    [Fact]
    public void ReadsOptionsAndRouteNamesInAnyOrder()
    {
        DoctorArguments arguments = DoctorArguments.Parse(
            ["web", "--json", "--config", "/etc/relay.json", "--timeout", "2.5", "db"]);

        Assert.Equal("/etc/relay.json", arguments.ConfigPath);
        Assert.True(arguments.Json);
        Assert.Equal(TimeSpan.FromSeconds(2.5), arguments.Timeout);
        Assert.Equal(["web", "db"], arguments.Routes);
    }

    [Fact]
    public void NoArgumentsMeansEveryRouteWithDefaults()
    {
        DoctorArguments arguments = DoctorArguments.Parse([]);

        Assert.Null(arguments.ConfigPath);
        Assert.False(arguments.Json);
        Assert.Null(arguments.Timeout);
        Assert.Empty(arguments.Routes);
    }

    [Theory]
    [InlineData("--timeout", "0")]
    [InlineData("--timeout", "soon")]
    [InlineData("--config")]
    public void ABadOptionValueIsRefused(params string[] args)
    {
        Assert.Throws<CommandLineException>(() => DoctorArguments.Parse(args));
    }
}
