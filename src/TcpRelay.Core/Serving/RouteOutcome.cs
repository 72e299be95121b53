namespace TcpRelay.Serving;

/// <summary>The result of a reload for one route.</summary>
/// <param name="Route">The route's name.</param>
/// <param name="Change">What happened to it.</param>
/// <param name="Detail">What changed, or why it failed; null when there is nothing to say.</param>
public sealed record RouteOutcome(string Route, RouteChange Change, string? Detail = null);
