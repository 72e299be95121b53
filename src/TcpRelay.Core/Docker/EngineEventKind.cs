namespace TcpRelay.Docker;

/// <summary>What an engine event means for the view.</summary>
internal enum EngineEventKind
{
    /// <summary>Something about the container may have changed: inspect it again.</summary>
    Changed,

    /// <summary>The container is gone for good.</summary>
    Destroyed,
}
