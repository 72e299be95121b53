using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace TcpRelay.TestSupport;

/// <summary>
/// The relay running in a child process (tests/TcpRelay.FdLimitHost), so that a test can change
/// its resource limits. Its log arrives on stdout, one "&lt;event id&gt; &lt;level&gt; &lt;message&gt;" line each.
/// </summary>
internal sealed class RelayHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private RelayHostProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _lines.Enqueue(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _lines.Enqueue("stderr: " + e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public int Port { get; private set; }

    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>Starts the host relaying to the target port and waits until it listens.</summary>
    public static async Task<RelayHostProcess> StartAsync(int targetPort)
    {
        // Built beside this test assembly by the project reference: bin/<configuration>/<tfm>/.
        string output = AppContext.BaseDirectory.Replace(
            "TcpRelay.Core.Tests", "TcpRelay.FdLimitHost", StringComparison.Ordinal);
        string dll = Path.GetFullPath(Path.Combine(output, "TcpRelay.FdLimitHost.dll"));
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add(targetPort.ToString(CultureInfo.InvariantCulture));
        var host = new RelayHostProcess(Process.Start(start)!);
        string listening = await host.WaitForLineAsync("LISTENING ", TimeSpan.FromSeconds(30));
        host.Port = int.Parse(listening["LISTENING ".Length..], CultureInfo.InvariantCulture);
        return host;
    }

    public int CountLines(string prefix) => _lines.Count(l => l.StartsWith(prefix, StringComparison.Ordinal));

    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            string? line = _lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
            if (line is not null)
            {
                return line;
            }

            if (Environment.TickCount64 > deadline || _process.HasExited)
            {
                Assert.Fail($"The relay host printed no line starting '{prefix}' within {timeout}. Output:"
                    + Environment.NewLine + string.Join(Environment.NewLine, _lines));
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Descriptor numbers the process has open now.</summary>
    public IReadOnlyList<int> OpenDescriptors() =>
        [.. Directory.GetFiles($"/proc/{Pid}/fd")
            .Select(f => int.Parse(Path.GetFileName(f), CultureInfo.InvariantCulture))];

    /// <summary>How many descriptor numbers below <paramref name="limit"/> the process leaves unused now.</summary>
    public int FreeBelow(int limit) => limit - OpenDescriptors().Count(fd => fd < limit);

    /// <summary>Sets the soft RLIMIT_NOFILE of the running process with util-linux prlimit.</summary>
    public async Task LimitDescriptorsAsync(int limit)
    {
        var start = new ProcessStartInfo("prlimit") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--pid");
        start.ArgumentList.Add(Pid.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add($"--nofile={limit}:"); // soft only: it can be raised again

        using Process prlimit = Process.Start(start)!;
        string error = await prlimit.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await prlimit.WaitForExitAsync(TestContext.Current.CancellationToken);
        if (prlimit.ExitCode != 0)
        {
            // Most likely the host is gone: say how it ended and what it printed.
            string ended = _process.HasExited ? $"the relay host exited with code {_process.ExitCode}" : "the relay host runs";
            Assert.Fail($"prlimit failed: {error.Trim()}; {ended}. Its output:"
                + Environment.NewLine + string.Join(Environment.NewLine, _lines));
        }
    }

    /// <summary>Closes stdin (the host stops), and kills it if it has not exited within 10 s.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }
        finally
        {
            _process.Dispose();
        }
    }
}
