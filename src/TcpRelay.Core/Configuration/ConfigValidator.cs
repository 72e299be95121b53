using TcpRelay.Configuration.Json;

namespace TcpRelay.Configuration;

/// <summary>
/// Checks a <see cref="RelayConfig"/> however it was built (relay.json, command line, code):
/// ranges, names, and conflicts between routes. Collects every error; paths are the relay.json
/// paths of the values concerned.
/// </summary>
public static class ConfigValidator
{
    /// <summary>Every problem found; empty when the configuration is valid.</summary>
    public static IReadOnlyList<ConfigError> Validate(RelayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var errors = new ValidationErrors(JsonPath.Root);
        if (config.Routes.Count == 0)
        {
            errors.Add("routes", "no routes are defined; add at least one");
        }

        ValidationErrors routes = errors.At("routes");
        foreach ((string name, RouteConfig route) in config.Routes)
        {
            RouteValidator.Validate(name, route, routes.At(name));
        }

        ListenConflicts.Check(config, errors);
        if (config.MaxConnections is < 1)
        {
            errors.Add("maxConnections", $"'maxConnections' must be at least 1 (got {config.MaxConnections})");
        }

        if (config.DrainTimeout < TimeSpan.Zero)
        {
            errors.Add("drainTimeout", "'drainTimeout' must not be negative");
        }

        if (config.StatusSocket is { } socket && !Path.IsPathFullyQualified(socket))
        {
            errors.Add("statusSocket", $"'statusSocket' must be an absolute path, found \"{socket}\"");
        }

        if (config.Docker.Host is { } host && host.Scheme is not ("unix" or "tcp"))
        {
            errors.At("docker").Add("host", $"'host' must start with unix:// or tcp://, found \"{host}\"");
        }

        if (config.Metrics is { } metrics && metrics.Listen.Port == 0)
        {
            errors.At("metrics").Add("listen", "'listen' needs a port from 1 to 65535");
        }

        return errors.All;
    }
}
