using TcpRelay.Relaying.Splicing;

namespace TcpRelay.Listening;

/// <summary>
/// A connection a splice loop accepted, on that loop's thread: <paramref name="fd"/> is a
/// non-blocking socket the callee now owns, <paramref name="peer"/> the client's struct sockaddr,
/// <paramref name="noDelay"/> the TCP_NODELAY setting it inherited from the listening socket.
/// </summary>
internal delegate void DescriptorAccepted(SpliceLoop loop, int fd, ReadOnlySpan<byte> peer, bool noDelay);
