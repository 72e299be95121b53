namespace TcpRelay.Docker;

/// <summary>
/// Tests against the test bed's engine run one at a time and alone: one of them restarts the
/// engine, and the others must not see that as a failure of their own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DockerEngineTests
{
    public const string Name = "Docker engine";
}
