using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace TcpRelay.Admission;

public class CarriedCountTests
{
    private static readonly IPAddress Client = IPAddress.Parse("10.0.0.1");

    [Fact]
    public void EarlierCountsStayHeldUntilTheConnectionEnds()
    {
        // A reload added a route limit and a per-client limit; a later one took the route limit
        // away, and another added it again: the per-client count is still in force.
        var firstRoute = new ConnectionCounter(10);
        var clients = new ClientTable(2, null, new FakeTimeProvider());
        var secondRoute = new ConnectionCounter(10);
        firstRoute.Add();
        secondRoute.Add();
        object? slot = null;

        CarriedCount.Carry(ref slot, new CarriedCount(firstRoute, clients.Add(Client)));
        CarriedCount.Carry(ref slot, new CarriedCount(secondRoute, null));

        Assert.Equal(1, firstRoute.Count);
        Assert.Equal(Refusal.None, clients.TryAcquire(Client, out ClientState? other));
        Assert.Equal(Refusal.ClientLimit, clients.TryAcquire(Client, out _));

        CarriedCount.ReleaseAll(ref slot);
        CarriedCount.ReleaseAll(ref slot);

        Assert.Equal(0, firstRoute.Count);
        Assert.Equal(0, secondRoute.Count);
        Assert.Equal(Refusal.None, clients.TryAcquire(Client, out _));
        ClientTable.Release(other!);
    }

    [Fact]
    public void ACountCarriedAfterTheConnectionEndedGoesStraightBack()
    {
        var route = new ConnectionCounter(10);
        object? slot = null;
        CarriedCount.ReleaseAll(ref slot);

        route.Add();
        CarriedCount.Carry(ref slot, new CarriedCount(route, null));

        Assert.Equal(0, route.Count);
    }
}
