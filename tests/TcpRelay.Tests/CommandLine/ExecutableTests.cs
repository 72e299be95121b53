using TcpRelay.Hosting;

namespace TcpRelay.CommandLine;

/// <summary>Exit codes and messages of the real executable.</summary>
public sealed class ExecutableTests
{
    [Fact]
    public async Task CheckAcceptsTheShippedConfiguration()
    {
        string shipped = Path.Combine(Repository.Root, "relay.json");

        (int exitCode, TcpRelayProcess relay) = await TcpRelayProcess.RunAsync("check", "--config", shipped);

        using (relay)
        {
            Assert.Equal(0, exitCode);
            Assert.Contains("configuration OK: 2 routes", relay.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CheckWithoutConfigReadsRelayJsonInTheWorkingDirectory()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(dir.Path, "relay.json"), """
            { "routes": { "one": { "listen": "127.0.0.1:9000", "target": { "address": "127.0.0.1:80" } } } }
            """, TestContext.Current.CancellationToken);

        (int exitCode, TcpRelayProcess relay) = await TcpRelayProcess.RunInAsync(dir.Path, "check");

        using (relay)
        {
            Assert.Equal(0, exitCode);
            Assert.Contains("configuration OK: 1 route in relay.json", relay.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RunWithoutAnyConfigurationSaysWhereItLookedAndExitsOne()
    {
        if (File.Exists("/etc/tcprelay/relay.json"))
        {
            Assert.Skip("this machine has /etc/tcprelay/relay.json, which run would read");
        }

        using var dir = new TempDirectory();

        (int exitCode, TcpRelayProcess relay) = await TcpRelayProcess.RunInAsync(dir.Path, "run");

        using (relay)
        {
            Assert.Equal(1, exitCode);
            Assert.Contains(
                "neither ./relay.json nor /etc/tcprelay/relay.json", relay.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CheckPrintsEveryErrorAndExitsOne()
    {
        using var config = new TempConfigFile("""
            {
              "routes": {
                "a": { "listen": "127.0.0.1:9000", "target": { "address": "127.0.0.1:0" } },
                "b": { "listen": "127.0.0.1:9000", "target": { "container": "web", "port": 80 }, "idleTimeuot": "1m" }
              }
            }
            """);

        (int exitCode, TcpRelayProcess relay) = await TcpRelayProcess.RunAsync("check", "--config", config.Path);

        using (relay)
        {
            Assert.Equal(1, exitCode);
            Assert.Contains("$.routes.a.target.address", relay.Stderr, StringComparison.Ordinal);
            Assert.Contains("did you mean 'idleTimeout'?", relay.Stderr, StringComparison.Ordinal);
            Assert.Contains("overlaps route 'a'", relay.Stderr, StringComparison.Ordinal);
            Assert.Contains("3 errors", relay.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("configuration OK", relay.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CheckReportsASyntaxErrorWithLineAndColumn()
    {
        using var config = new TempConfigFile("{\n  \"routes\": {\n    \"a\": 1,,\n  }\n}\n");

        (int exitCode, TcpRelayProcess relay) = await TcpRelayProcess.RunAsync("check", "--config", config.Path);

        using (relay)
        {
            Assert.Equal(1, exitCode);
            Assert.Contains($"{config.Path}:3:", relay.Stderr, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("TCP4-LISTEN:9000,fork,reuseaddr,frobnicate TCP4:127.0.0.1:80", "'frobnicate'")]
    [InlineData("UNIX-LISTEN:/tmp/x TCP4:127.0.0.1:80", "'UNIX-LISTEN'")]
    [InlineData("check --config", "--config needs a file path")]
    [InlineData("run --verbose", "'--verbose'")]
    public async Task BadArgumentsAreNamedAndExitOne(string args, string named)
    {
        (int exitCode, TcpRelayProcess relay) = await TcpRelayProcess.RunAsync(args.Split(' '));

        using (relay)
        {
            Assert.Equal(1, exitCode);
            Assert.Contains(named, relay.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task NoArgumentsPrintsUsageAndExitsOne()
    {
        (int exitCode, TcpRelayProcess relay) = await TcpRelayProcess.RunAsync();

        using (relay)
        {
            Assert.Equal(1, exitCode);
            Assert.Contains("Usage:", relay.Stderr, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--version", "tcprelay ")]
    [InlineData("--help", "Usage:")]
    [InlineData("-h", "TCP-LISTEN")]
    public async Task VersionAndHelpExitZero(string option, string expected)
    {
        (int exitCode, TcpRelayProcess relay) = await TcpRelayProcess.RunAsync(option);

        using (relay)
        {
            Assert.Equal(0, exitCode);
            Assert.Contains(expected, relay.Stdout, StringComparison.Ordinal);
        }
    }
}
