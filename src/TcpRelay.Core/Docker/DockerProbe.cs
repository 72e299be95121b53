using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using DockerConfig = TcpRelay.Configuration.DockerConfig;
using Version = System.Version;

namespace TcpRelay.Docker;

/// <summary>
/// One question to the engine, answered now: its version, the containers named, and every
/// container address. The relay's <see cref="DockerView"/> follows the engine continuously; the
/// doctor needs a single current answer within a time limit, and no events stream.
/// </summary>
internal static class DockerProbe
{
    public static async Task<EngineProbe> RunAsync(
        DockerConfig config, IReadOnlyCollection<string> references, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        Uri endpoint = DockerEndpoint.Resolve(config);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        VersionResponse? version = null;
        try
        {
            using (DockerClient probe = Build(endpoint, null, timeout))
            {
                version = await probe.System.GetVersionAsync(limit.Token);
            }

            Version? api = DockerApiVersion.Choose(
                version.APIVersion, version.MinAPIVersion, out string? problem);
            if (api is null)
            {
                return Failed(endpoint, problem!, version);
            }

            using DockerClient client = Build(endpoint, api, timeout);
            IList<ContainerListResponse> all = await client.Containers.ListContainersAsync(
                new ContainersListParameters { All = true }, limit.Token);
            var containers = new Dictionary<string, ContainerSnapshot?>(StringComparer.Ordinal);
            foreach (string reference in references.Distinct(StringComparer.Ordinal))
            {
                containers[reference] = await InspectAsync(client, reference, limit.Token);
            }

            return new EngineProbe(
                endpoint, null, version.Version, version.APIVersion, api, containers, Addresses(all));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(endpoint, $"no answer within {timeout.TotalSeconds:0.#} s", version);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or System.Net.Sockets.SocketException
            or TimeoutException or DockerApiException or System.Text.Json.JsonException)
        {
            return Failed(endpoint, Innermost(e).Message, version);
        }
    }

    private static async Task<ContainerSnapshot?> InspectAsync(
        DockerClient client, string reference, CancellationToken cancellationToken)
    {
        try
        {
            // The engine resolves names and unambiguous ID prefixes itself.
            ContainerInspectResponse inspect = await client.Containers.InspectContainerAsync(
                reference.TrimStart('/'), cancellationToken);
            return ContainerSnapshot.FromInspect(inspect);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
    }

    private static Dictionary<IPAddress, string> Addresses(IEnumerable<ContainerListResponse> containers)
    {
        var addresses = new Dictionary<IPAddress, string>();
        foreach (ContainerListResponse container in containers)
        {
            string name = container.Names?.FirstOrDefault()?.TrimStart('/') ?? container.ID;
            foreach (EndpointSettings endpoint in container.NetworkSettings?.Networks?.Values ?? [])
            {
                if (IPAddress.TryParse(endpoint?.IPAddress, out IPAddress? address))
                {
                    addresses[address] = name;
                }
            }
        }

        return addresses;
    }

    private static DockerClient Build(Uri endpoint, Version? api, TimeSpan timeout)
    {
        DockerClientBuilder builder = new DockerClientBuilder().WithEndpoint(endpoint).WithTimeout(timeout);
        return (api is null ? builder : builder.WithApiVersion(api)).Build();
    }

    private static EngineProbe Failed(Uri endpoint, string problem, VersionResponse? version) =>
        new(endpoint, problem, version?.Version, version?.APIVersion, null,
            new Dictionary<string, ContainerSnapshot?>(), new Dictionary<IPAddress, string>());

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null && e is HttpRequestException or IOException)
        {
            e = e.InnerException;
        }

        return e;
    }
}
