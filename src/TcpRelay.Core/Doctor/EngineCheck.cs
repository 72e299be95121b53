using TcpRelay.Docker;

namespace TcpRelay.Doctor;

/// <summary>Does the Docker engine answer, and which engine and API versions is it?</summary>
internal static class EngineCheck
{
    public const string Name = "docker";

    public static Finding Run(EngineProbe probe)
    {
        if (probe.Problem is null)
        {
            return Finding.Ok(
                Name,
                $"engine {probe.EngineVersion} (API {probe.ApiVersion}, speaking {probe.NegotiatedApi}) "
                    + $"at {probe.Endpoint}");
        }

        string fix = probe.Problem.Contains("denied", StringComparison.OrdinalIgnoreCase)
            ? "run as root or as a member of the docker group"
            : "start the engine (systemctl start docker), or point \"docker\": { \"host\" } in relay.json "
                + "or DOCKER_HOST at it";
        string versions = probe.EngineVersion is null
            ? ""
            : $" (engine {probe.EngineVersion}, API {probe.ApiVersion})";
        return Finding.Failure(
            Name, $"the Docker engine at {probe.Endpoint}{versions} cannot be used: {probe.Problem}", fix: fix);
    }
}
