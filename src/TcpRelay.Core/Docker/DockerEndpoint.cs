using TcpRelay.Configuration;

namespace TcpRelay.Docker;

/// <summary>Where the Engine API is: relay.json, then <c>DOCKER_HOST</c>, then the local socket.</summary>
internal static class DockerEndpoint
{
    public static readonly Uri Default = new("unix:///var/run/docker.sock");

    public static Uri Resolve(DockerConfig config)
    {
        if (config.Host is not null)
        {
            return config.Host;
        }

        string? fromEnvironment = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(fromEnvironment)
            && Uri.TryCreate(fromEnvironment.Trim(), UriKind.Absolute, out Uri? uri))
        {
            return uri;
        }

        return Default;
    }
}
