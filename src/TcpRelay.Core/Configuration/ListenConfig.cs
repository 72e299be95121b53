using System.Net;

namespace TcpRelay.Configuration;

/// <summary>The listening socket of a route.</summary>
public sealed record ListenConfig
{
    /// <summary>Address and port; <c>[::]</c> listens dual-stack unless <see cref="IPv6Only"/>.</summary>
    public required IPEndPoint EndPoint { get; init; }

    /// <summary>Listen backlog. Defaults to 511 (socat's default is 5).</summary>
    public int Backlog { get; init; } = 511;

    /// <summary>SO_REUSEADDR. Defaults to true.</summary>
    public bool ReuseAddress { get; init; } = true;

    /// <summary>SO_REUSEPORT. Defaults to false.</summary>
    public bool ReusePort { get; init; }

    /// <summary>IPV6_V6ONLY on an IPv6 listener. Defaults to false (dual-stack).</summary>
    public bool IPv6Only { get; init; }

    /// <summary>
    /// False only for the socat-style form without <c>fork</c>: accept one connection, relay it,
    /// then exit. Defaults to true.
    /// </summary>
    public bool Fork { get; init; } = true;
}
