namespace TcpRelay.Configuration.Json;

/// <summary>
/// Every error found while reading, plus the paths whose value could not be read. Validation of
/// the records that were built runs afterwards; its errors under those paths only repeat the
/// first complaint (a missing port is not also "out of range"), so they are dropped.
/// </summary>
internal sealed class ConfigErrorCollector
{
    private readonly List<ConfigError> _errors = [];
    private readonly List<string> _failedPaths = [];

    public IReadOnlyList<ConfigError> Errors => _errors;

    /// <summary>Records a value that could not be read; validation errors at or below it are dropped.</summary>
    public void Add(string path, string message)
    {
        _errors.Add(new ConfigError(path, message));
        _failedPaths.Add(path);
    }

    /// <summary>Drops validation errors at or below <paramref name="path"/>: its value is a stand-in.</summary>
    public void Suppress(string path) => _failedPaths.Add(path);

    /// <summary>Records a problem that leaves the value at <paramref name="path"/> usable.</summary>
    public void AddOnly(string path, string message) => _errors.Add(new ConfigError(path, message));

    /// <summary>Adds a validation error unless reading already failed at or above its path.</summary>
    public void AddUnlessFailed(ConfigError error)
    {
        if (!_failedPaths.Exists(failed => JsonPath.IsWithin(error.Path, failed)))
        {
            _errors.Add(error);
        }
    }
}
