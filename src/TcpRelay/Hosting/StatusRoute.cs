namespace TcpRelay.Hosting;

/// <summary>One route in a status report.</summary>
/// <param name="Name">The route's name.</param>
/// <param name="Listen">The bound endpoint, or null when the route is not listening.</param>
/// <param name="Target">Where new connections are dialed now (a container's current address for container targets).</param>
/// <param name="Listening">Whether it accepts connections.</param>
/// <param name="Problem">Why it is unhealthy, or null.</param>
/// <param name="Active">Live connections.</param>
/// <param name="Total">Connections accepted since the route started.</param>
internal sealed record StatusRoute(
    string Name, string? Listen, string Target, bool Listening, string? Problem, int Active, long Total);
