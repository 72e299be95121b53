namespace TcpRelay.Configuration;

/// <summary>A Docker container followed by name or ID through the Docker Engine API.</summary>
public sealed record ContainerTarget : TargetConfig
{
    /// <summary>Container name (with or without a leading slash) or full or short ID.</summary>
    public required string Container { get; init; }

    /// <summary>The network whose address is dialled. Null: the container's only network.</summary>
    public string? Network { get; init; }

    /// <summary>How the connection reaches the container. Defaults to <see cref="TargetVia.Bridge"/>.</summary>
    public TargetVia Via { get; init; } = TargetVia.Bridge;

    /// <summary>How long a new connection waits for a stopped container to come back. Defaults to 10 s.</summary>
    public TimeSpan HoldTime { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Route only while a container with a HEALTHCHECK reports healthy. Defaults to true.</summary>
    public bool RequireHealthy { get; init; } = true;

    /// <summary>In namespace mode, the host dialled inside the container. Defaults to 127.0.0.1.</summary>
    public string NamespaceHost { get; init; } = "127.0.0.1";

    /// <inheritdoc/>
    public override string Describe() => $"container {Container}:{Port}";
}
