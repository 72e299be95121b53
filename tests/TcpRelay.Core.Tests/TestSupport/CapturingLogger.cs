using Microsoft.Extensions.Logging;

namespace TcpRelay.TestSupport;

internal sealed class CapturingLogger : ILogger
{
    private readonly CapturingLoggerProvider _provider;
    private readonly string _category;

    public CapturingLogger(CapturingLoggerProvider provider, string category)
    {
        _provider = provider;
        _category = category;
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(
        LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        var properties = new Dictionary<string, object?>();
        if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            foreach (KeyValuePair<string, object?> pair in pairs)
            {
                properties[pair.Key] = pair.Value;
            }
        }

        _provider.Add(new CapturedEntry(_category, logLevel, eventId, formatter(state, exception), properties));
    }
}
