using Microsoft.Extensions.Logging;
using TcpRelay.Configuration;

namespace TcpRelay.Admission;

public class FileDescriptorLimitTests
{
    [Fact]
    public void WarnsWhenTheConfiguredLimitsNeedMoreDescriptorsThanTheProcessMay()
    {
        var log = new LogCollector();

        FileDescriptorLimit.Check(Config(globalLimit: 50_000_000), log);

        string warning = Assert.Single(log.Messages("FileLimitTooLow"));
        Assert.Contains("50000000 relayed connections", warning, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Warning, log.Events.Single(e => e.Id.Name == "FileLimitTooLow").Level);
    }

    [Fact]
    public void StaysQuietWhenTheLimitsFit()
    {
        var log = new LogCollector();

        FileDescriptorLimit.Check(Config(globalLimit: 10), log);

        Assert.DoesNotContain(log.Events, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public void SaysHowManyFitWhenNothingIsLimited()
    {
        var log = new LogCollector();

        FileDescriptorLimit.Check(Config(globalLimit: null), log);

        Assert.Single(log.Messages("FileLimitUnbounded"));
    }

    [Fact]
    public void BoundIsTheGlobalLimitOrTheSumOfRouteLimits()
    {
        Assert.Equal(7, FileDescriptorLimit.ConnectionBound(Config(7, 100, 200)));
        Assert.Equal(300, FileDescriptorLimit.ConnectionBound(Config(null, 100, 200)));
        Assert.Null(FileDescriptorLimit.ConnectionBound(Config(null, 100, null)));
        Assert.Equal(100, FileDescriptorLimit.ConnectionBound(Config(500, 40, 60)));
        Assert.Equal(2 * 1000 + 2 + FileDescriptorLimit.Spare, FileDescriptorLimit.DescriptorsNeeded(1000, 2));
        Assert.Equal((20_000 - 2 - FileDescriptorLimit.Spare) / 2, FileDescriptorLimit.ConnectionsThatFit(20_000, 2));
    }

    private static RelayConfig Config(int? globalLimit, int? routeA = null, int? routeB = null) => new()
    {
        MaxConnections = globalLimit,
        Routes = new Dictionary<string, RouteConfig>
        {
            ["a"] = RelayHarness.Route("a", 1, new AdmissionConfig { MaxConnections = routeA }),
            ["b"] = RelayHarness.Route("b", 2, new AdmissionConfig { MaxConnections = routeB }),
        },
    };
}
