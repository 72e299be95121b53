using System.Collections.Concurrent;
using System.Diagnostics;

namespace TcpRelay.Hosting;

/// <summary>
/// The real <c>tcprelay</c> executable started as a child process on a relay.json in a temp
/// folder, with its log lines (stderr) collected for assertions.
/// </summary>
internal sealed class RelayProcess : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(15);
    private readonly ConcurrentQueue<string> _lines = new();
    private Process? _process;

    public RelayProcess()
    {
        Folder = Directory.CreateTempSubdirectory("tcprelay-test-").FullName;
    }

    public string Folder { get; }

    public string ConfigPath => Path.Combine(Folder, "relay.json");

    public string StatusSocket => Path.Combine(Folder, "run", "status.sock");

    public int Pid => _process?.Id ?? throw new InvalidOperationException("not started");

    public bool HasExited => _process?.HasExited ?? true;

    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>Replaces relay.json the way editors do: write a new file, rename it over the old.</summary>
    public void WriteConfig(string json)
    {
        string temporary = ConfigPath + ".tmp";
        File.WriteAllText(temporary, json);
        File.Move(temporary, ConfigPath, overwrite: true);
    }

    /// <summary>Starts <c>tcprelay run</c> and waits until it answers on its status socket.</summary>
    public async Task StartAsync(string json)
    {
        WriteConfig(json);
        var start = new ProcessStartInfo(DotnetHost(), [TcprelayDll(), "run", "--config", ConfigPath, "-d"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("tcprelay did not start");
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        await WaitForLineAsync(l => l.Contains("answering tcprelay status on", StringComparison.Ordinal));
    }

    /// <summary>Waits for a log line; fails with the whole log when it does not come.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, int occurrence = 1, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < (timeout ?? DefaultWait))
        {
            string[] found = [.. _lines.Where(match)];
            if (found.Length >= occurrence)
            {
                return found[occurrence - 1];
            }

            if (HasExited)
            {
                break;
            }

            await Task.Delay(25, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"no such log line (occurrence {occurrence}); tcprelay logged:\n{string.Join('\n', _lines)}");
        return "";
    }

    public int Count(Func<string, bool> match) => _lines.Count(match);

    /// <summary>Sends a signal with kill(1), as an operator or systemd would.</summary>
    public async Task SignalAsync(string signal)
    {
        using Process kill = Process.Start("kill", [$"-{signal}", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Runs another tcprelay command (for example <c>status</c>) and returns what it printed.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunCommandAsync(params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost(), [TcprelayDll(), .. args])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("tcprelay did not start");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(bound.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            await SignalAsync("TERM");
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(bound.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
            }
        }

        _process?.Dispose();
        Directory.Delete(Folder, recursive: true);
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }

    private static string TcprelayDll() => Path.Combine(AppContext.BaseDirectory, "tcprelay.dll");

    private static string DotnetHost() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host
        ? host
        : "dotnet";
}
