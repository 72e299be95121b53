using System.Net;

namespace TcpRelay.Doctor;

public sealed class RouteLookupTests
{
    [Fact]
    public void ADirectlyConnectedAddressNamesItsInterface()
    {
        RouteLookup route = RouteLookup.ParseGet(Captured.Read("ip-route-get-connected.json"));

        Finding finding = RoutingCheck.Judge(IPAddress.Parse("198.18.77.2"), route, isContainer: true);

        Assert.Equal(FindingStatus.Ok, finding.Status);
        Assert.Equal("198.18.77.2 is reached directly on v0 (source 198.18.77.1)", finding.Summary);
    }

    [Fact]
    public void TheMostSpecificDroppingRouteIsNamed()
    {
        string? drop = RouteLookup.FindDropRoute(Captured.Read("ip-route-match-blackhole.json"));

        Assert.Equal("blackhole 198.18.77.3", drop);
    }

    [Fact]
    public void ARefusedLookupIsAFailureWithTheRouteToRemove()
    {
        var route = new RouteLookup
        {
            Type = "blackhole",
            Refusal = "Invalid argument",
            DropRoute = "blackhole 198.18.77.3",
        };

        Finding finding = RoutingCheck.Judge(IPAddress.Parse("198.18.77.3"), route, isContainer: true);

        Assert.Equal(FindingStatus.Failure, finding.Status);
        Assert.Equal(
            "the host drops traffic to 198.18.77.3: the route 'blackhole 198.18.77.3'", finding.Summary);
        Assert.Equal("remove it (ip route del blackhole 198.18.77.3) if nothing needs it", finding.Fix);
    }

    [Fact]
    public void AContainerAddressBehindAGatewayIsAWarning()
    {
        var route = new RouteLookup { Device = "eth0", Gateway = "198.18.200.1" };

        Finding finding = RoutingCheck.Judge(IPAddress.Parse("198.18.201.5"), route, isContainer: true);

        Assert.Equal(FindingStatus.Warning, finding.Status);
    }
}
