namespace TcpRelay.Serving;

/// <summary>What <see cref="RelayServer.ApplyAsync"/> did, route by route.</summary>
/// <param name="Routes">One outcome per route of the old and the new configuration.</param>
public sealed record ReloadResult(IReadOnlyList<RouteOutcome> Routes)
{
    /// <summary>True when every route's change is in force.</summary>
    public bool Succeeded => Routes.All(r => r.Change != RouteChange.Failed);

    /// <summary>The outcome for one route, or null when the route is in neither configuration.</summary>
    public RouteOutcome? this[string route] => Routes.FirstOrDefault(r => r.Route == route);
}
