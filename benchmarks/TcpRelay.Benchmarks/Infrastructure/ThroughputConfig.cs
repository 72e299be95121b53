using BenchmarkDotNet.Configs;

namespace TcpRelay.Benchmarks.Infrastructure;

/// <summary>Adds throughput and allocation per MiB to the bulk benchmarks' summary.</summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig()
    {
        AddColumn(new ThroughputColumn(), new AllocatedPerMiBColumn());
    }
}
