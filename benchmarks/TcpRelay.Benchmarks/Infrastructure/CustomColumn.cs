using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace TcpRelay.Benchmarks.Infrastructure;

/// <summary>A summary column computed from one case's report; subclasses say what and how.</summary>
public abstract class CustomColumn : IColumn
{
    public abstract string ColumnName { get; }

    public abstract string Legend { get; }

    public string Id => GetType().Name + ColumnName;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(summary);
        BenchmarkReport? report = summary[benchmarkCase];
        return report?.ResultStatistics is null ? "NA" : Compute(report, benchmarkCase) ?? "NA";
    }

    /// <summary>The cell's text, or null when the report lacks what it needs.</summary>
    protected abstract string? Compute(BenchmarkReport report, BenchmarkCase benchmarkCase);
}
