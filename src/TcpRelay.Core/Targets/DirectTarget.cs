using System.Net;
using System.Net.Sockets;
using TcpRelay.Configuration;

namespace TcpRelay.Targets;

/// <summary>
/// A target address known without waiting, with what a connect on a bare descriptor needs
/// prepared once: the socket addresses in the kernel's own layout.
/// </summary>
internal sealed class DirectTarget
{
    private const int AfInet = 2;
    private const int AfInet6 = 10;

    public DirectTarget(IPEndPoint remote, IPEndPoint? localBind, ConnectionOptions options)
    {
        Remote = remote;
        LocalBind = localBind;
        Options = options;
        Family = remote.AddressFamily == AddressFamily.InterNetworkV6 ? AfInet6 : AfInet;
        Address = Serialize(remote);
        LocalAddress = localBind is null ? null : Serialize(localBind);
    }

    public IPEndPoint Remote { get; }

    public IPEndPoint? LocalBind { get; }

    public ConnectionOptions Options { get; }

    /// <summary>AF_INET or AF_INET6.</summary>
    public int Family { get; }

    /// <summary>The remote address as a struct sockaddr.</summary>
    public byte[] Address { get; }

    public byte[]? LocalAddress { get; }

    // On Linux a SocketAddress holds the native sockaddr bytes, family first.
    private static byte[] Serialize(IPEndPoint endPoint)
    {
        SocketAddress address = endPoint.Serialize();
        return address.Buffer.Span[..address.Size].ToArray();
    }
}

/// <summary>
/// A dialer that can name its target's address right now, so that the connect can be made by
/// the splice engine without a task. Dialers that must wait or resolve return null and are
/// called through <see cref="ITargetDialer.ConnectAsync"/> instead.
/// </summary>
internal interface IDirectDialer
{
    /// <summary>
    /// Where to connect, the same for the dialer's whole life, or null when only
    /// <see cref="ITargetDialer.ConnectAsync"/> can tell.
    /// </summary>
    DirectTarget? Direct { get; }

    /// <summary>The outcome of a connect made elsewhere: null for success, else why it failed.</summary>
    void Report(string? problem);
}
