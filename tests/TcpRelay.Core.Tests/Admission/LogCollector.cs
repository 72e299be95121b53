using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TcpRelay.Admission;

/// <summary>Keeps every log event so tests can assert on what an operator would read.</summary>
internal sealed class LogCollector : ILogger
{
    public ConcurrentQueue<(LogLevel Level, EventId Id, string Message)> Events { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(
        LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Events.Enqueue((logLevel, eventId, formatter(state, exception)));

    public IEnumerable<string> Messages(string eventName) =>
        Events.Where(e => e.Id.Name == eventName).Select(e => e.Message);
}
