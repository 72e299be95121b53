using System.Net;

namespace TcpRelay.Admission;

/// <summary>
/// The result of the admission step for one connection. When <see cref="Admitted"/> is false the
/// client's socket has been closed already and nothing else is to be done with it. When true,
/// the caller disposes <see cref="Lease"/> when the connection ends.
/// </summary>
/// <param name="Admitted">Whether the connection goes on to the target.</param>
/// <param name="Lease">The counts the connection holds.</param>
/// <param name="Client">The client: the peer, or the original client a PROXY header named.</param>
/// <param name="Destination">
/// The address the client connected to, for a PROXY header towards the target; null when the
/// route sends none.
/// </param>
internal readonly record struct AdmissionOutcome(
    bool Admitted, AdmissionLease Lease, IPEndPoint? Client, IPEndPoint? Destination);
