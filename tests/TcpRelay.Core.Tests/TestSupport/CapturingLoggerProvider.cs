using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TcpRelay.TestSupport;

/// <summary>Keeps every log event of the relay so tests can assert on event ids and properties.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedEntry> _entries = new();

    public IReadOnlyList<CapturedEntry> Entries => [.. _entries];

    public ILoggerFactory CreateFactory() =>
        LoggerFactory.Create(builder => builder.AddProvider(this).SetMinimumLevel(LogLevel.Trace));

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public IReadOnlyList<CapturedEntry> WithId(int eventId) => [.. _entries.Where(e => e.EventId.Id == eventId)];

    /// <summary>Waits until <paramref name="count"/> events with the id were logged; fails on timeout.</summary>
    public async Task<IReadOnlyList<CapturedEntry>> WaitForAsync(int eventId, int count, TimeSpan timeout)
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            IReadOnlyList<CapturedEntry> found = WithId(eventId);
            if (found.Count >= count)
            {
                return found;
            }

            if (Environment.TickCount64 > deadline)
            {
                Assert.Fail(
                    $"Expected {count} log events {eventId} within {timeout}, saw {found.Count}. Log:"
                    + Environment.NewLine + string.Join(Environment.NewLine, Entries));
            }

            await Task.Delay(10, ct);
        }
    }

    public async Task<CapturedEntry> WaitForAsync(int eventId, TimeSpan timeout) =>
        (await WaitForAsync(eventId, 1, timeout))[0];

    public void Dispose()
    {
    }

    internal void Add(CapturedEntry entry) => _entries.Enqueue(entry);
}
