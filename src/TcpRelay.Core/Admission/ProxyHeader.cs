using System.Net;

namespace TcpRelay.Admission;

/// <summary>
/// A parsed PROXY protocol header. <see cref="Source"/> and <see cref="Destination"/> are null
/// when the header carries no usable addresses (v1 UNKNOWN, v2 LOCAL or an address family this
/// relay does not forward): then the real connection's endpoints stand, as the protocol asks.
/// </summary>
/// <param name="Length">Bytes the header occupied; the client's own bytes start after them.</param>
/// <param name="Version">1 or 2.</param>
/// <param name="Source">The original client.</param>
/// <param name="Destination">The address the original client connected to.</param>
internal readonly record struct ProxyHeader(int Length, int Version, IPEndPoint? Source, IPEndPoint? Destination);
