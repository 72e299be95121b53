using System.Text.Json;

namespace TcpRelay.Configuration.Json;

/// <summary>Reads the top level of relay.json into a <see cref="RelayConfig"/>.</summary>
internal static class RelayConfigReader
{
    private static readonly string[] Known =
        ["routes", "docker", "metrics", "statusSocket", "maxConnections", "drainTimeout"];

    public static RelayConfig Read(JsonElement root, ConfigErrorCollector errors)
    {
        JsonObjectReader? r = JsonObjectReader.Open(root, JsonPath.Root, errors, "the configuration", Known);
        if (r is null)
        {
            return new RelayConfig { Routes = new Dictionary<string, RouteConfig>() };
        }

        r.Require("routes");
        var defaults = new RelayConfig { Routes = new Dictionary<string, RouteConfig>() };
        return new RelayConfig
        {
            Routes = r.TryGet("routes", out JsonElement routes)
                ? RoutesReader.Read(routes, r.PathOf("routes"), errors)
                : defaults.Routes,
            Docker = ReadDocker(r) ?? defaults.Docker,
            Metrics = ReadMetrics(r),
            StatusSocket = r.Has("statusSocket") ? r.String("statusSocket") : StatusSocketPath.Default(),
            MaxConnections = r.Int("maxConnections"),
            DrainTimeout = r.Duration("drainTimeout") ?? defaults.DrainTimeout,
        };
    }

    private static DockerConfig? ReadDocker(JsonObjectReader r)
    {
        JsonObjectReader? docker = r.Object("docker", "docker", ["host"]);
        if (docker?.String("host") is not { } host)
        {
            return null;
        }

        if (!Uri.TryCreate(host, UriKind.Absolute, out Uri? uri))
        {
            docker.Fail("host",
                $"'{host}' is not an engine address; write \"unix:///var/run/docker.sock\" or \"tcp://host:2375\"");
            return null;
        }

        return new DockerConfig { Host = uri };
    }

    private static MetricsConfig? ReadMetrics(JsonObjectReader r)
    {
        JsonObjectReader? metrics = r.Object("metrics", "metrics", ["listen"]);
        if (metrics is null)
        {
            return null;
        }

        metrics.Require("listen");
        if (metrics.String("listen") is not { } listen)
        {
            return null;
        }

        if (!EndPointSyntax.TryParseListen(listen, out System.Net.IPEndPoint endPoint, out string error))
        {
            metrics.Fail("listen", error);
            return null;
        }

        return new MetricsConfig { Listen = endPoint };
    }
}
