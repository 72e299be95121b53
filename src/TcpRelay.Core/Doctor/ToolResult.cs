namespace TcpRelay.Doctor;

/// <summary>What an external tool printed, or why it could not run.</summary>
// Problem: Null when the tool ran and exited 0; otherwise a sentence for a finding.
internal sealed record ToolResult(string Command, int ExitCode, string Output, string Error, string? Problem)
{
    public bool Succeeded => Problem is null;

    /// <summary>The tool is not installed (as opposed to: it ran and failed).</summary>
    public bool Missing { get; init; }
}
