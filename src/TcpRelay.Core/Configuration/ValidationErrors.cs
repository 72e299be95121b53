using TcpRelay.Configuration.Json;

namespace TcpRelay.Configuration;

/// <summary>An error list seen from one place in the document, so checks name paths relative to it.</summary>
internal sealed class ValidationErrors
{
    private readonly List<ConfigError> _all;

    public ValidationErrors(string path)
        : this(path, [])
    {
    }

    private ValidationErrors(string path, List<ConfigError> all)
    {
        Path = path;
        _all = all;
    }

    public string Path { get; }

    public IReadOnlyList<ConfigError> All => _all;

    public ValidationErrors At(string name) => new(JsonPath.Child(Path, name), _all);

    public void Add(string name, string message) => _all.Add(new ConfigError(JsonPath.Child(Path, name), message));

    public void Here(string message) => _all.Add(new ConfigError(Path, message));

    /// <summary>Requires <paramref name="value"/> within [min, max] when it is set.</summary>
    public void Range(string name, long? value, long min, long max)
    {
        if (value is { } v && (v < min || v > max))
        {
            Add(name, max == long.MaxValue
                ? $"'{name}' must be at least {min} (got {v})"
                : $"'{name}' must be from {min} to {max} (got {v})");
        }
    }

    /// <summary>Requires a duration above zero (or at least <paramref name="min"/>) when it is set.</summary>
    public void Positive(string name, TimeSpan? value, TimeSpan? min = null)
    {
        if (value is { } v && (v <= TimeSpan.Zero || (min is { } m && v < m)))
        {
            Add(name, min is { } least
                ? $"'{name}' must be at least {DurationSyntax.Format(least)} (got {DurationSyntax.Format(v)})"
                : $"'{name}' must be greater than zero");
        }
    }
}
