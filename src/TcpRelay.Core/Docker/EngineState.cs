namespace TcpRelay.Docker;

/// <summary>How the Docker view stands with the engine.</summary>
internal enum EngineState
{
    /// <summary>No answer yet: the first connection attempt is still running.</summary>
    Connecting,

    /// <summary>The events stream is open and the view is current.</summary>
    Connected,

    /// <summary>The engine does not answer; the view keeps what it last knew and retries.</summary>
    Unreachable,
}
