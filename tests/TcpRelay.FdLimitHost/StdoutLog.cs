using Microsoft.Extensions.Logging;

namespace TcpRelay.FdLimitHost;

/// <summary>
/// One line per event on stdout, written synchronously so that none is lost when the test ends
/// the process.
/// </summary>
internal sealed class StdoutLog : ILoggerProvider, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(
        LogLevel logLevel, EventId eventId, TState state, Exception? exception,
        Func<TState, Exception?, string> formatter) =>
        Console.WriteLine($"{eventId.Id} {logLevel} {formatter(state, exception)}");

    public void Dispose()
    {
    }
}
