using System.ComponentModel;
using System.Diagnostics;

namespace TcpRelay.Doctor;

/// <summary>
/// Runs the system tools whose output formats are kept stable for scripts (<c>ip -j</c>,
/// <c>iptables-save</c>, <c>nft -j</c>), with a time limit, and turns every way they can fail
/// into a sentence the report can show.
/// </summary>
internal static class ToolRunner
{
    private static readonly string[] SearchPath = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    /// <summary>Finds a tool on PATH or in the sbin folders that PATH often lacks for non-root users.</summary>
    public static string? Locate(string tool)
    {
        IEnumerable<string> folders = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(SearchPath);
        return folders.Select(folder => Path.Combine(folder, tool)).FirstOrDefault(File.Exists);
    }

    public static async Task<ToolResult> RunAsync(
        string tool, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string command = string.Join(' ', [tool, .. arguments]);
        if (Locate(tool) is not { } path)
        {
            return new ToolResult(command, -1, "", "", $"{tool} is not installed") { Missing = true };
        }

        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Tools print their errors in the user's language otherwise; the report parses none of
        // them except ip's "RTNETLINK answers" line, which must stay in English.
        start.Environment["LC_ALL"] = "C";
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            return new ToolResult(command, -1, "", "", $"cannot run {tool}: {e.Message}");
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        Task<string> output = process.StandardOutput.ReadToEndAsync(limit.Token);
        Task<string> error = process.StandardError.ReadToEndAsync(limit.Token);
        try
        {
            await process.WaitForExitAsync(limit.Token);
            string stdout = await output;
            string stderr = (await error).Trim();
            string? problem = process.ExitCode == 0 ? null : Explain(tool, process.ExitCode, stderr);
            return new ToolResult(command, process.ExitCode, stdout, stderr, problem);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return new ToolResult(
                command, -1, "", "", $"{tool} gave no answer within {timeout.TotalSeconds:0.#} s");
        }
    }

    private static string Explain(string tool, int exitCode, string stderr)
    {
        string firstLine = stderr.Split('\n', 2)[0].Trim();
        bool denied = stderr.Contains("Permission denied", StringComparison.OrdinalIgnoreCase)
            || stderr.Contains("Operation not permitted", StringComparison.OrdinalIgnoreCase);
        if (denied && Environment.UserName != "root")
        {
            return $"{tool} needs root (CAP_NET_ADMIN): {firstLine}";
        }

        return firstLine.Length > 0 ? $"{tool} failed: {firstLine}" : $"{tool} exited with {exitCode}";
    }
}
