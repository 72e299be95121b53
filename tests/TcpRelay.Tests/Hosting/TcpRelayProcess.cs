using System.Diagnostics;
using System.Text;

namespace TcpRelay.Hosting;

/// <summary>
/// The built <c>tcprelay</c> run as a child process (<c>dotnet tcprelay.dll ...</c> from the test
/// output folder), with its output collected. Disposing kills it if it is still running.
/// </summary>
internal sealed class TcpRelayProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();

    private TcpRelayProcess(Process process)
    {
        _process = process;
    }

    public string Stdout
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    public static TcpRelayProcess Start(params string[] args) => Start([], new Dictionary<string, string>(), args);

    /// <summary>Runs to completion (bounded) in <paramref name="workingDirectory"/>.</summary>
    public static async Task<(int ExitCode, TcpRelayProcess Process)> RunInAsync(
        string workingDirectory, params string[] args)
    {
        TcpRelayProcess relay = Start([], new Dictionary<string, string>(), workingDirectory, args);
        return (await relay.WaitForExitAsync(TimeSpan.FromSeconds(30)), relay);
    }

    /// <summary>
    /// Starts tcprelay under <paramref name="wrapper"/> (for instance <c>unshare --pid --fork</c>),
    /// with extra environment variables.
    /// </summary>
    public static TcpRelayProcess Start(
        IReadOnlyList<string> wrapper, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Start(wrapper, environment, AppContext.BaseDirectory, args);

    private static TcpRelayProcess Start(
        IReadOnlyList<string> wrapper,
        IReadOnlyDictionary<string, string> environment,
        string workingDirectory,
        string[] args)
    {
        var info = new ProcessStartInfo(wrapper.Count > 0 ? wrapper[0] : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (string part in wrapper.Skip(1).Append(wrapper.Count > 0 ? "dotnet" : null).OfType<string>())
        {
            info.ArgumentList.Add(part);
        }

        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tcprelay.dll"));
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Not under systemd, whatever runs the tests.
        info.Environment.Remove("NOTIFY_SOCKET");
        info.Environment.Remove("INVOCATION_ID");
        foreach ((string name, string value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info };
        var relay = new TcpRelayProcess(process);
        process.OutputDataReceived += (_, e) => relay.Append(relay._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => relay.Append(relay._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return relay;
    }

    /// <summary>Runs to completion (bounded) and returns the exit code.</summary>
    public static async Task<(int ExitCode, TcpRelayProcess Process)> RunAsync(params string[] args)
    {
        TcpRelayProcess relay = Start(args);
        return (await relay.WaitForExitAsync(TimeSpan.FromSeconds(30)), relay);
    }

    /// <summary>Waits until stderr (where logs go) contains <paramref name="text"/>.</summary>
    public async Task WaitForLogAsync(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!Stderr.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || clock.Elapsed > timeout)
            {
                Assert.Fail($"tcprelay did not log '{text}' within {timeout}; exited: {_process.HasExited}\n"
                    + $"stderr:\n{Stderr}\nstdout:\n{Stdout}");
            }

            await Task.Delay(20);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"tcprelay did not exit within {timeout}\nstderr:\n{Stderr}\nstdout:\n{Stdout}");
        }

        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    /// <summary>Sends SIGTERM, as systemd does to stop a service.</summary>
    public void Terminate() => Signal(_process.Id, "TERM");

    /// <summary>Sends SIGHUP, as <c>systemctl reload</c> does.</summary>
    public void Hangup() => Signal(_process.Id, "HUP");

    public static void Terminate(int pid) => Signal(pid, "TERM");

    private static void Signal(int pid, string signal)
    {
        string target = pid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var kill = Process.Start("kill", [$"-{signal}", target]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            target.AppendLine(line);
        }
    }
}
