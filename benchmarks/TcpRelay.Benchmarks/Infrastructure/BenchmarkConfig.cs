using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace TcpRelay.Benchmarks.Infrastructure;

/// <summary>The configuration every benchmark class runs with.</summary>
internal static class BenchmarkConfig
{
    public static IConfig Create(bool isShort)
    {
        Job job = isShort
            // In-process: no generated project to build, which alone would take a minute on two
            // shared cores. Five short iterations give a number, not a precise one.
            ? Job.Default
                .WithId("Short")
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1)
                .WithWarmupCount(2)
                .WithIterationCount(5)
                .WithIterationTime(TimeInterval.FromMilliseconds(100))
            : Job.Default
                .WithId("Full")
                .WithMaxIterationCount(40);
        return DefaultConfig.Instance
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithOptions(ConfigOptions.DisableLogFile);
    }
}
