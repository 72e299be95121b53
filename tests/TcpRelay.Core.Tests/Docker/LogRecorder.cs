using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TcpRelay.Docker;

/// <summary>Keeps every log line so tests can assert what an operator would read.</summary>
internal sealed class LogRecorder : ILoggerFactory, ILogger
{
    private readonly ConcurrentQueue<(EventId Id, LogLevel Level, string Message)> _entries = new();
    private readonly ITestOutputHelper? _output;

    public LogRecorder(ITestOutputHelper? output = null)
    {
        _output = output;
    }

    public IReadOnlyList<(EventId Id, LogLevel Level, string Message)> Entries => [.. _entries];

    public IEnumerable<string> Messages(int eventId) =>
        _entries.Where(entry => entry.Id.Id == eventId).Select(entry => entry.Message);

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter)
    {
        string message = formatter(state, exception);
        _entries.Enqueue((eventId, logLevel, message));
        try
        {
            _output?.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} [{eventId.Id}] {message}");
        }
        catch (InvalidOperationException)
        {
            // The test already finished; its output is closed.
        }
    }

    public void Dispose()
    {
    }
}
