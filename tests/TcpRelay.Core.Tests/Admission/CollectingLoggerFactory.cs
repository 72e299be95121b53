using Microsoft.Extensions.Logging;

namespace TcpRelay.Admission;

/// <summary>Hands every category the same <see cref="LogCollector"/>.</summary>
internal sealed class CollectingLoggerFactory : ILoggerFactory
{
    public LogCollector Log { get; } = new();

    public ILogger CreateLogger(string categoryName) => Log;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}
