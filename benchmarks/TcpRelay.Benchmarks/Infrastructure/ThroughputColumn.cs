using System.Globalization;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace TcpRelay.Benchmarks.Infrastructure;

/// <summary>Bytes moved per operation over the mean time per operation.</summary>
public sealed class ThroughputColumn : CustomColumn
{
    public override string ColumnName => "Gbit/s";

    public override string Legend => "Payload moved over all streams per second (mean), in Gbit/s";

    protected override string? Compute(BenchmarkReport report, BenchmarkCase benchmarkCase)
    {
        // Bytes per nanosecond times 8 is Gbit/s.
        double gbps = BulkParameters.BytesPerOperation(benchmarkCase) * 8 / report.ResultStatistics!.Mean;
        return gbps.ToString("F2", CultureInfo.InvariantCulture);
    }
}
