using System.Diagnostics;

namespace TcpRelay.Hosting;

/// <summary>
/// <c>tcprelay run</c> (a <see cref="TcpRelayProcess"/>) on a relay.json in a temp folder that
/// the test edits, with its log lines at hand for assertions.
/// </summary>
internal sealed class RelayProcess : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(15);
    private TcpRelayProcess? _process;

    public RelayProcess()
    {
        Folder = Directory.CreateTempSubdirectory("tcprelay-test-").FullName;
    }

    public string Folder { get; }

    public string ConfigPath => Path.Combine(Folder, "relay.json");

    public string StatusSocket => Path.Combine(Folder, "run", "status.sock");

    public int Pid => _process?.Id ?? throw new InvalidOperationException("not started");

    public bool HasExited => _process?.HasExited ?? true;

    public IReadOnlyList<string> Lines => _process?.Stderr.Split('\n') ?? [];

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
        _process = TcpRelayProcess.Start("run", "--config", ConfigPath, "-d");
        await WaitForLineAsync(l => l.Contains("answering tcprelay status on", StringComparison.Ordinal));
    }

    /// <summary>Waits for a log line; fails with the whole log when it does not come.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, int occurrence = 1, TimeSpan? timeout = null)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < (timeout ?? DefaultWait))
        {
            string[] found = [.. Lines.Where(match)];
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

        Assert.Fail($"no such log line (occurrence {occurrence}); tcprelay logged:\n{string.Join('\n', Lines)}");
        return "";
    }

    public int Count(Func<string, bool> match) => Lines.Count(match);

    /// <summary>Sends SIGHUP, as <c>systemctl reload</c> does.</summary>
    public void Hangup() => (_process ?? throw new InvalidOperationException("not started")).Hangup();

    /// <summary>Runs another tcprelay command (for example <c>status</c>) and returns what it printed.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunCommandAsync(params string[] args)
    {
        (int exitCode, TcpRelayProcess process) = await TcpRelayProcess.RunAsync(args);
        using (process)
        {
            return (exitCode, process.Stdout, process.Stderr);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } running)
        {
            // Stopped as systemd would, so that it removes its status socket.
            running.Terminate();
            await running.WaitForExitAsync(TimeSpan.FromSeconds(15));
        }

        _process?.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
