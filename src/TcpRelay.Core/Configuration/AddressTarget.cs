using System.Net;

namespace TcpRelay.Configuration;

/// <summary>A fixed host (IP literal or DNS name) and port.</summary>
public sealed record AddressTarget : TargetConfig
{
    /// <summary>An IP literal or a DNS name, resolved on every dial.</summary>
    public required string Host { get; init; }

    /// <summary>Restrict name resolution and connection to one family (socat's TCP4/TCP6). Null: any.</summary>
    public System.Net.Sockets.AddressFamily? Family { get; init; }

    /// <summary>Local address to bind before connecting (socat's <c>bind=</c>). Null: the kernel chooses.</summary>
    public IPAddress? BindAddress { get; init; }

    /// <summary>Local port to bind before connecting (socat's <c>sourceport=</c>). Null: ephemeral.</summary>
    public int? SourcePort { get; init; }

    /// <inheritdoc/>
    public override string Describe() => Host.Contains(':', StringComparison.Ordinal)
        ? $"[{Host}]:{Port}"
        : $"{Host}:{Port}";
}
