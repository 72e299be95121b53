namespace TcpRelay.Serving;

/// <summary>A point-in-time view of one live relayed connection.</summary>
/// <param name="Route">The route that accepted it.</param>
/// <param name="Client">The client's address and port.</param>
/// <param name="Target">The target's address and port, or the target description while dialing.</param>
/// <param name="StartedAt">When it was accepted.</param>
/// <param name="BytesFromClient">Bytes relayed from the client so far.</param>
/// <param name="BytesFromTarget">Bytes relayed from the target so far.</param>
public sealed record ConnectionStatus(
    string Route, string Client, string Target, DateTimeOffset StartedAt, long BytesFromClient, long BytesFromTarget);
