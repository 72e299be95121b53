namespace TcpRelay.Hosting;

/// <summary>What <c>tcprelay status</c> receives from the running service.</summary>
/// <param name="Routes">Every configured route.</param>
/// <param name="Connections">Every live connection, removed routes still draining included.</param>
internal sealed record StatusReport(IReadOnlyList<StatusRoute> Routes, IReadOnlyList<StatusConnection> Connections);
