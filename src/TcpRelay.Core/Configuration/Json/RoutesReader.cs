using System.Text.Json;

namespace TcpRelay.Configuration.Json;

/// <summary>Reads the <c>routes</c> object: route names are its keys, each defined once.</summary>
internal static class RoutesReader
{
    public static IReadOnlyDictionary<string, RouteConfig> Read(
        JsonElement routes, string path, ConfigErrorCollector errors)
    {
        var result = new Dictionary<string, RouteConfig>(StringComparer.Ordinal);
        if (routes.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path, $"'routes' must be an object of named routes, found {JsonKinds.Describe(routes)}");
            return result;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty property in routes.EnumerateObject())
        {
            string routePath = JsonPath.Child(path, property.Name);
            if (!seen.Add(property.Name))
            {
                errors.AddOnly(routePath, $"route '{property.Name}' is defined more than once");
                continue;
            }

            if (RouteReader.Read(property.Name, property.Value, routePath, errors) is { } route)
            {
                result.Add(property.Name, route);
            }
        }

        return result;
    }
}
