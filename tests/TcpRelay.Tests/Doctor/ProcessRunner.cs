using System.Diagnostics;

namespace TcpRelay.Doctor;

/// <summary>Runs a command to completion (bounded in time) and returns its exit code and output.</summary>
internal static class ProcessRunner
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string file, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        Task<string> output = process.StandardOutput.ReadToEndAsync(limit.Token);
        Task<string> error = process.StandardError.ReadToEndAsync(limit.Token);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish in time");
        }

        return (process.ExitCode, await output, await error);
    }

    /// <summary>Runs a command that must succeed; returns its trimmed output.</summary>
    public static async Task<string> CheckedAsync(string file, params string[] arguments)
    {
        (int code, string output, string error) = await RunAsync(file, arguments);
        Assert.True(code == 0, $"{file} {string.Join(' ', arguments)} exited {code}: {error}");
        return output.Trim();
    }
}
