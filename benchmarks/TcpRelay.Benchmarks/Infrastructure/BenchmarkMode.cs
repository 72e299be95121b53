namespace TcpRelay.Benchmarks.Infrastructure;

/// <summary>
/// Full or short (CI) mode. Read from the environment so that configuration attributes, which
/// BenchmarkDotNet creates by reflection, see the same mode as the command line chose.
/// </summary>
public static class BenchmarkMode
{
    /// <summary>Set to 1 for short mode; <c>--short</c> on the command line sets it.</summary>
    public const string EnvironmentVariable = "TCPRELAY_BENCH_SHORT";

    /// <summary>True in short mode: few iterations, in-process, a couple of minutes in all.</summary>
    public static bool IsShort => Environment.GetEnvironmentVariable(EnvironmentVariable) == "1";
}
