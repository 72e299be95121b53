namespace TcpRelay.TestSupport;

/// <summary>
/// Tests that measure the process's allocations run alone: GC counters are process-wide, and
/// other tests relaying at the same time would be counted too.
/// </summary>
[CollectionDefinition(nameof(MemoryMeasurement), DisableParallelization = true)]
public sealed class MemoryMeasurement;
