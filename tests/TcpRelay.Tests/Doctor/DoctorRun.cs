using System.Text.Json;

namespace TcpRelay.Doctor;

/// <summary>One scenario's two runs of <c>tcprelay doctor</c>: the text report and the JSON one.</summary>
internal sealed record DoctorRun(int TextExitCode, string Text, int JsonExitCode, JsonDocument Json)
{
    /// <summary>The status word of every finding of route "web", per check, in report order.</summary>
    public IReadOnlyList<(string Check, string Status, string Summary)> Findings =>
    [
        .. Json.RootElement.GetProperty("routes")[0].GetProperty("findings").EnumerateArray().Select(f => (
            f.GetProperty("check").GetString()!,
            f.GetProperty("status").GetString()!,
            f.GetProperty("summary").GetString()!)),
    ];

    /// <summary>Both runs ended with <paramref name="exitCode"/> and the JSON says the same.</summary>
    public void AssertExitCode(int exitCode)
    {
        Assert.Equal(exitCode, TextExitCode);
        Assert.Equal(exitCode, JsonExitCode);
        Assert.Equal(exitCode, Json.RootElement.GetProperty("exitCode").GetInt32());
    }

    public string StatusOf(string check) => Findings.First(f => f.Check == check).Status;

    public string SummaryOf(string check) => Findings.First(f => f.Check == check).Summary;

    /// <summary>The text report's line for a check: "  FAIL  rules  DNAT for ...".</summary>
    public string LineOf(string check) =>
        Text.Split('\n').FirstOrDefault(
            l => l.Length > 10 && l[8..].StartsWith(check + " ", StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"no '{check}' line in the report:\n{Text}");
}
