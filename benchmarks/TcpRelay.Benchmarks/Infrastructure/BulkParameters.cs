using System.Globalization;
using BenchmarkDotNet.Running;

namespace TcpRelay.Benchmarks.Infrastructure;

/// <summary>Reads a bulk benchmark case's parameters back, for the columns derived from them.</summary>
internal static class BulkParameters
{
    public static double BytesPerOperation(BenchmarkCase benchmarkCase) =>
        Read(benchmarkCase, nameof(ThroughputBenchmarks.Streams))
        * Read(benchmarkCase, nameof(ThroughputBenchmarks.TransferSize));

    private static double Read(BenchmarkCase benchmarkCase, string name) =>
        Convert.ToDouble(benchmarkCase.Parameters[name], CultureInfo.InvariantCulture);
}
