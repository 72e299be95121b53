using System.Globalization;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace TcpRelay.Benchmarks.Infrastructure;

/// <summary>Managed bytes allocated (all threads, so the relay's too) per MiB of payload moved.</summary>
public sealed class AllocatedPerMiBColumn : CustomColumn
{
    public override string ColumnName => "Alloc/MiB";

    public override string Legend => "Bytes allocated by the process per MiB of payload moved";

    protected override string? Compute(BenchmarkReport report, BenchmarkCase benchmarkCase)
    {
        long? allocated = report.GcStats.GetBytesAllocatedPerOperation(benchmarkCase);
        if (allocated is null)
        {
            return null;
        }

        double mebibytes = BulkParameters.BytesPerOperation(benchmarkCase) / (1024.0 * 1024.0);
        double perMiB = allocated.Value / mebibytes;
        return perMiB.ToString("F1", CultureInfo.InvariantCulture) + " B";
    }
}
