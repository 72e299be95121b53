namespace TcpRelay.Serving;

/// <summary>What a reload did to one route.</summary>
public enum RouteChange
{
    /// <summary>The configuration is the same; the route was not touched.</summary>
    Unchanged,

    /// <summary>A new route: bound and accepting.</summary>
    Added,

    /// <summary>Target, options or listen endpoint changed and the change is in force.</summary>
    Changed,

    /// <summary>The route stopped accepting; its live connections drain.</summary>
    Removed,

    /// <summary>The change could not be applied (a bind failed); retried at the next reload.</summary>
    Failed,
}
