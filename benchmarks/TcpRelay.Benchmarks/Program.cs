using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using TcpRelay.Benchmarks.Infrastructure;
using TcpRelay.Relaying;

// TcpRelay.Benchmarks [--short] [BenchmarkDotNet arguments, e.g. --filter *Throughput*]
// TcpRelay.Benchmarks host LISTEN TARGET    (a relay process for the peer comparison)
if (args is ["host", .. var hostArgs])
{
    // As the executable does: before the first socket exists.
    SocketEngineTuning.Apply();
    return await RelayHostCommand.RunAsync(hostArgs);
}

bool isShort = args.Contains("--short", StringComparer.Ordinal) || BenchmarkMode.IsShort;
if (isShort)
{
    // Read again by configuration attributes, which BenchmarkDotNet creates on its own.
    Environment.SetEnvironmentVariable(BenchmarkMode.EnvironmentVariable, "1");
}

string[] rest = [.. args.Where(a => a != "--short")];
if (!rest.Any(a => a.StartsWith("--filter", StringComparison.Ordinal) || a == "-f"))
{
    rest = [.. rest, "--filter", "*"];
}

IEnumerable<Summary> summaries = BenchmarkSwitcher
    .FromAssembly(typeof(Program).Assembly)
    .Run(rest, BenchmarkConfig.Create(isShort));

// Non-zero only when a benchmark could not run; slow numbers never fail.
bool failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
return failed ? 1 : 0;
