namespace TcpRelay.TestSupport;

/// <summary>
/// Tests that measure the process's allocations or its relay threads' processor time run alone:
/// both are process-wide, and other tests relaying at the same time would be counted too.
/// </summary>
[CollectionDefinition(nameof(MemoryMeasurement), DisableParallelization = true)]
public sealed class MemoryMeasurement;
