namespace TcpRelay.Configuration;

/// <summary>Access to the Docker Engine API.</summary>
public sealed record DockerConfig
{
    /// <summary>Engine endpoint. Null: <c>DOCKER_HOST</c>, then <c>unix:///var/run/docker.sock</c>.</summary>
    public Uri? Host { get; init; }
}
