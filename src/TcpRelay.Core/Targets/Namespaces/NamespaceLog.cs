using Microsoft.Extensions.Logging;

namespace TcpRelay.Targets.Namespaces;

/// <summary>Log events of namespace targets (ids 3100-3199).</summary>
internal static partial class NamespaceLog
{
    [LoggerMessage(3100, LogLevel.Critical,
        "Thread {Thread} could not return to the relay's network namespace after creating a socket in {Path}; "
        + "the thread ends and a new one serves the next namespace connection")]
    public static partial void CannotReturn(ILogger logger, string thread, string path);
}
