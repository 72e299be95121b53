using System.Net.Sockets;

namespace TcpRelay.Targets.Namespaces;

/// <summary>One socket to create in a namespace; a null path asks the thread where it is.</summary>
internal sealed class NamespaceRequest(string? path, AddressFamily family)
{
    public string? Path { get; } = path;

    public AddressFamily Family { get; } = family;

    public TaskCompletionSource<Socket> Socket { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<string> Report { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
