namespace TcpRelay.Hosting;

/// <summary>One live connection in a status report.</summary>
/// <param name="Route">The route that accepted it.</param>
/// <param name="Client">The client's address and port.</param>
/// <param name="Target">The target's address and port.</param>
/// <param name="AgeSeconds">Seconds since it was accepted.</param>
/// <param name="BytesFromClient">Bytes relayed from the client.</param>
/// <param name="BytesFromTarget">Bytes relayed from the target.</param>
internal sealed record StatusConnection(
    string Route, string Client, string Target, double AgeSeconds, long BytesFromClient, long BytesFromTarget);
