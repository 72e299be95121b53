using System.Text;
using Microsoft.Extensions.Logging;

namespace TcpRelay.Admission;

/// <summary>
/// Counts a route's refusals and turns a burst of them into one Warning per
/// <see cref="Window"/>, so a flood is visible without a log line per connection. The first
/// refusal of a quiet period arms a one-shot timer; when it fires, the window's counts are
/// logged and cleared.
/// </summary>
internal sealed class RefusalSummary : IDisposable
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private readonly string _route;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly int[] _window = new int[RefusalNames.Count];
    private readonly long[] _total = new long[RefusalNames.Count];
    private int _armed;
    private volatile bool _disposed;

    public RefusalSummary(string route, ILogger logger, TimeProvider time)
    {
        _route = route;
        _logger = logger;
        _timer = time.CreateTimer(
            static state => ((RefusalSummary)state!).Flush(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Refusals of one kind since the route started.</summary>
    public long Total(Refusal refusal) => Interlocked.Read(ref _total[(int)refusal]);

    public void Record(Refusal refusal)
    {
        Interlocked.Increment(ref _total[(int)refusal]);
        Interlocked.Increment(ref _window[(int)refusal]);
        if (_disposed || Interlocked.Exchange(ref _armed, 1) != 0)
        {
            return;
        }

        try
        {
            _timer.Change(Window, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile: the final flush has logged or will log this window.
        }
    }

    /// <summary>Logs what the current window holds and stops summarising; counting goes on.</summary>
    public void Dispose()
    {
        _disposed = true;
        _timer.Dispose();
        Flush();
    }

    private void Flush()
    {
        // Disarm first: a refusal racing with this flush either lands in this summary or arms
        // the next one, never neither.
        Volatile.Write(ref _armed, 0);
        int count = 0;
        StringBuilder? breakdown = null;
        for (int i = 1; i < _window.Length; i++)
        {
            int n = Interlocked.Exchange(ref _window[i], 0);
            if (n == 0)
            {
                continue;
            }

            count += n;
            breakdown = breakdown is null ? new StringBuilder() : breakdown.Append(", ");
            breakdown.Append(n).Append(' ').Append(RefusalNames.Describe((Refusal)i));
        }

        if (count > 0)
        {
            AdmissionLog.RefusalSummary(_logger, _route, count, (int)Window.TotalSeconds, breakdown!.ToString());
        }
    }
}
