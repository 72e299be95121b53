namespace TcpRelay.Configuration;

/// <summary>A host and port dialled from inside a named network namespace (not Docker's).</summary>
public sealed record NamespaceTarget : TargetConfig
{
    /// <summary>A namespace file: <c>/var/run/netns/NAME</c> or <c>/proc/PID/ns/net</c>.</summary>
    public required string Netns { get; init; }

    /// <summary>The host dialled inside the namespace. Defaults to 127.0.0.1.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <inheritdoc/>
    public override string Describe() => $"{Host}:{Port} in {Netns}";
}
