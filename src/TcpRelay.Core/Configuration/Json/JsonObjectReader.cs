using System.Net;
using System.Text.Json;

namespace TcpRelay.Configuration.Json;

/// <summary>
/// Reads the properties of one JSON object: reports unknown and repeated names on opening, then
/// hands out typed values, recording an error (with its path) for each one of the wrong shape.
/// A getter returns null when the property is absent, null, or wrong; callers keep the default.
/// </summary>
internal sealed class JsonObjectReader
{
    private readonly Dictionary<string, JsonElement> _values = new(StringComparer.Ordinal);

    private JsonObjectReader(string path, ConfigErrorCollector errors)
    {
        Path = path;
        Errors = errors;
    }

    public string Path { get; }

    public ConfigErrorCollector Errors { get; }

    public IEnumerable<string> Names => _values.Keys;

    /// <summary>Opens <paramref name="element"/> as an object of the kind <paramref name="what"/>.</summary>
    public static JsonObjectReader? Open(
        JsonElement element,
        string path,
        ConfigErrorCollector errors,
        string what,
        IReadOnlyCollection<string> known)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path, $"{what} must be an object, found {JsonKinds.Describe(element)}");
            return null;
        }

        var reader = new JsonObjectReader(path, errors);
        foreach (JsonProperty property in element.EnumerateObject())
        {
            string childPath = JsonPath.Child(path, property.Name);
            if (!known.Contains(property.Name))
            {
                string? closest = NameSuggestion.Closest(property.Name, known);
                errors.AddOnly(childPath, closest is null
                    ? $"unknown property '{property.Name}' in {what}"
                    : $"unknown property '{property.Name}' in {what}; did you mean '{closest}'?");
            }
            else if (!reader._values.TryAdd(property.Name, property.Value))
            {
                errors.AddOnly(childPath, $"'{property.Name}' appears more than once in {what}");
            }
        }

        return reader;
    }

    public string PathOf(string name) => JsonPath.Child(Path, name);

    public bool Has(string name) => _values.ContainsKey(name);

    public bool IsNull(string name) =>
        _values.TryGetValue(name, out JsonElement v) && v.ValueKind == JsonValueKind.Null;

    /// <summary>The raw value when present and not null.</summary>
    public bool TryGet(string name, out JsonElement value) =>
        _values.TryGetValue(name, out value) && value.ValueKind != JsonValueKind.Null;

    public void Require(string name)
    {
        if (!TryGet(name, out _))
        {
            Errors.Add(PathOf(name), $"'{name}' is required");
        }
    }

    public void Fail(string name, string message) => Errors.Add(PathOf(name), message);

    public string? String(string name) =>
        Read(name, JsonValueKind.String, "a string") is { } v ? v.GetString() : null;

    public bool? Bool(string name)
    {
        if (!TryGet(name, out JsonElement v))
        {
            return null;
        }

        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return v.GetBoolean();
        }

        Fail(name, $"'{name}' must be true or false, found {JsonKinds.Describe(v)}");
        return null;
    }

    public int? Int(string name)
    {
        if (!TryGet(name, out JsonElement v))
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n))
        {
            return n;
        }

        Fail(name, $"'{name}' must be a whole number, found {JsonKinds.Describe(v)}");
        return null;
    }

    public double? Number(string name) =>
        Read(name, JsonValueKind.Number, "a number") is { } v ? v.GetDouble() : null;

    /// <summary>A duration: <c>"250ms"</c>, <c>"5s"</c>, <c>"2m"</c>, <c>"1h"</c> or seconds as a number.</summary>
    public TimeSpan? Duration(string name)
    {
        if (!TryGet(name, out JsonElement v))
        {
            return null;
        }

        TimeSpan parsed = default;
        bool ok = v.ValueKind switch
        {
            JsonValueKind.String => DurationSyntax.TryParse(v.GetString()!, out parsed),
            JsonValueKind.Number => DurationSyntax.TrySeconds(v.GetDouble(), out parsed),
            _ => false,
        };
        if (ok)
        {
            return parsed;
        }

        Fail(name, $"'{name}' must be {DurationSyntax.Expected}, found {JsonKinds.Describe(v)}");
        return null;
    }

    /// <summary>An array of networks (CIDR strings or bare addresses).</summary>
    public IReadOnlyList<IPNetwork>? Networks(string name)
    {
        if (!TryGet(name, out JsonElement v))
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Array)
        {
            Fail(name, $"'{name}' must be an array of networks such as [\"10.0.0.0/8\"], "
                + $"found {JsonKinds.Describe(v)}");
            return null;
        }

        var networks = new List<IPNetwork>();
        int index = 0;
        foreach (JsonElement item in v.EnumerateArray())
        {
            string itemPath = JsonPath.Index(PathOf(name), index++);
            if (item.ValueKind != JsonValueKind.String)
            {
                Errors.Add(itemPath,
                    $"a network must be a string such as \"10.0.0.0/8\", found {JsonKinds.Describe(item)}");
            }
            else if (NetworkSyntax.TryParse(item.GetString()!, out IPNetwork network, out string error))
            {
                networks.Add(network);
            }
            else
            {
                Errors.Add(itemPath, error);
            }
        }

        return networks;
    }

    /// <summary>A nested object of the kind <paramref name="what"/>; null when absent or not an object.</summary>
    public JsonObjectReader? Object(string name, string what, IReadOnlyCollection<string> known) =>
        TryGet(name, out JsonElement v) ? Open(v, PathOf(name), Errors, what, known) : null;

    private JsonElement? Read(string name, JsonValueKind kind, string expected)
    {
        if (!TryGet(name, out JsonElement v))
        {
            return null;
        }

        if (v.ValueKind == kind)
        {
            return v;
        }

        Fail(name, $"'{name}' must be {expected}, found {JsonKinds.Describe(v)}");
        return null;
    }
}
