namespace TcpRelay.Relaying;

/// <summary>
/// Process-wide settings of .NET's socket engine that the relay depends on for speed. They are
/// read once, when the first socket is created, so <see cref="Apply"/> must run before that:
/// first thing in <c>Main</c>.
/// </summary>
public static class SocketEngineTuning
{
    /// <summary>The runtime's switch for running socket continuations on the epoll thread.</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Turns on inline socket completions unless the environment already decides it (set the
    /// variable to 0 to measure without). The relay's continuations only move bytes between a
    /// socket and a pipe and never block, so running them on the thread epoll woke saves a hop
    /// through the thread pool for every receive and send.
    /// </summary>
    public static void Apply()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
        }
    }
}
