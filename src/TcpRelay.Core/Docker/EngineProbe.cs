using System.Net;

namespace TcpRelay.Docker;

/// <summary>What one look at the Docker engine found, for the doctor.</summary>
// Problem: why the engine could not be asked; null when it answered.
// Containers: the inspected snapshot per container reference asked about; null when none matches.
// Addresses: every address any container has on any network, with the container's name.
internal sealed record EngineProbe(
    Uri Endpoint,
    string? Problem,
    string? EngineVersion,
    string? ApiVersion,
    Version? NegotiatedApi,
    IReadOnlyDictionary<string, ContainerSnapshot?> Containers,
    IReadOnlyDictionary<IPAddress, string> Addresses);
