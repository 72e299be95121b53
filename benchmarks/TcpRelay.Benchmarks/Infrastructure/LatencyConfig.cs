using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Perfolizer.Mathematics.OutlierDetection;

namespace TcpRelay.Benchmarks.Infrastructure;

/// <summary>
/// One round trip per iteration and many iterations, so BenchmarkDotNet's statistics over
/// iterations are the distribution of single round trips; no outlier is removed, because the
/// tail is what the percentiles are for.
/// </summary>
public sealed class LatencyConfig : ManualConfig
{
    public LatencyConfig()
    {
        bool isShort = BenchmarkMode.IsShort;
        AddJob(Job.Default
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithWarmupCount(isShort ? 50 : 200)
            .WithIterationCount(isShort ? 400 : 4000)
            .WithOutlierMode(OutlierMode.DontRemove)
            // A forced collection before each of thousands of iterations would take longer than
            // the round trips; allocation per operation is measured separately anyway.
            .WithGcForce(false)
            .AsMutator());
        AddColumn(StatisticColumn.P50, StatisticColumn.P95, new PercentileColumn(99));
    }
}
