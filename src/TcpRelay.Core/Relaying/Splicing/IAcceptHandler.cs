namespace TcpRelay.Relaying.Splicing;

/// <summary>What the owner of a <see cref="LoopAcceptor"/> hears, on the loop thread that accepted.</summary>
internal interface IAcceptHandler
{
    /// <summary>
    /// A connection was accepted: <paramref name="fd"/> is a non-blocking socket the handler now
    /// owns, <paramref name="peer"/> the client's address as a struct sockaddr. Must not block.
    /// </summary>
    void OnAccepted(SpliceLoop loop, int fd, ReadOnlySpan<byte> peer);

    /// <summary>
    /// Accepting stopped on every loop: out of descriptors (<paramref name="exhausted"/>), or an
    /// unexpected error (<paramref name="error"/>, an errno). <see cref="LoopAcceptor.Resume"/>
    /// starts it again.
    /// </summary>
    void OnPaused(bool exhausted, int error);
}
