namespace TcpRelay.Docker;

/// <summary>The engine answered but no API version suits both sides.</summary>
internal sealed class EngineIncompatibleException : Exception
{
    public EngineIncompatibleException(string message)
        : base(message)
    {
    }
}
