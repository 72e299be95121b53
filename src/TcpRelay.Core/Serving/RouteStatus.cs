using System.Net;

namespace TcpRelay.Serving;

/// <summary>A point-in-time view of one route, for status and health.</summary>
/// <param name="Name">The route's name.</param>
/// <param name="Listen">The bound endpoint, or null when the route is not listening.</param>
/// <param name="Target">Where the route dials now.</param>
/// <param name="ActiveConnections">Connections being relayed now.</param>
/// <param name="TotalConnections">Connections accepted since the route started.</param>
public sealed record RouteStatus(
    string Name, IPEndPoint? Listen, string Target, int ActiveConnections, long TotalConnections)
{
    /// <summary>
    /// Why the route is unhealthy (not listening where configured, target not resolved), or
    /// null when it is healthy.
    /// </summary>
    public string? Problem { get; init; }
}
