using System.Globalization;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace TcpRelay.Benchmarks.Infrastructure;

/// <summary>
/// A percentile of the iteration times. With one operation per iteration (see
/// <see cref="LatencyConfig"/>) that is the percentile of single round trips.
/// </summary>
public sealed class PercentileColumn : CustomColumn
{
    private readonly int _percentile;

    public PercentileColumn(int percentile)
    {
        _percentile = percentile;
    }

    public override string ColumnName => $"P{_percentile}";

    public override string Legend => $"Percentile {_percentile} of the time per operation";

    protected override string? Compute(BenchmarkReport report, BenchmarkCase benchmarkCase)
    {
        double nanoseconds = report.ResultStatistics!.Percentiles.Percentile(_percentile);
        return (nanoseconds / 1000).ToString("F1", CultureInfo.InvariantCulture) + " μs";
    }
}
