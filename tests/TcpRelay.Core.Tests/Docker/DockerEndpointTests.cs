using TcpRelay.Configuration;

namespace TcpRelay.Docker;

// DOCKER_HOST is process-wide: this runs with the engine tests, which run alone.
[Collection(DockerEngineTests.Name)]
public sealed class DockerEndpointTests
{
    [Fact]
    public void RelayJsonWinsOverDockerHostWhichWinsOverTheLocalSocket()
    {
        string? saved = Environment.GetEnvironmentVariable("DOCKER_HOST");
        try
        {
            Environment.SetEnvironmentVariable("DOCKER_HOST", "tcp://127.0.0.1:2375");
            var configured = new Uri("unix:///run/other/docker.sock");

            Assert.Equal(configured, DockerEndpoint.Resolve(new DockerConfig { Host = configured }));
            Assert.Equal(new Uri("tcp://127.0.0.1:2375"), DockerEndpoint.Resolve(new DockerConfig()));

            Environment.SetEnvironmentVariable("DOCKER_HOST", null);
            Assert.Equal(new Uri("unix:///var/run/docker.sock"), DockerEndpoint.Resolve(new DockerConfig()));
        }
        finally
        {
            Environment.SetEnvironmentVariable("DOCKER_HOST", saved);
        }
    }
}
