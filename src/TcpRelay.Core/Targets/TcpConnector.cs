using System.Net;
using System.Net.Sockets;
using TcpRelay.Configuration;

namespace TcpRelay.Targets;

/// <summary>
/// The connect step every dialer shares: socket options, the connect timeout, and the mapping
/// of socket errors to <see cref="DialFailure"/> reasons.
/// </summary>
public static class TcpConnector
{
    /// <summary>Creates a socket in the relay's own namespace and connects it.</summary>
    public static async ValueTask<Socket> ConnectAsync(
        EndPoint remote, ConnectionOptions options, IPEndPoint? localBind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (SocketShortage.Refusal("for", remote) is { } refused)
        {
            throw refused;
        }

        Socket socket;
        try
        {
            socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        }
        catch (SocketException e)
        {
            throw SocketShortage.Failed(e.SocketErrorCode == SocketError.TooManyOpenSockets, "for", remote, e.Message, e);
        }

        try
        {
            if (localBind is not null)
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(localBind);
            }
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new TargetDialException(
                DialFailure.Error, $"cannot bind the outgoing socket to {localBind}: {e.Message}", e);
        }

        return await ConnectAsync(socket, remote, options, cancellationToken);
    }

    /// <summary>
    /// Connects a socket created elsewhere (for example inside another network namespace).
    /// The socket is disposed when the connect fails.
    /// </summary>
    public static async ValueTask<Socket> ConnectAsync(
        Socket socket, EndPoint remote, ConnectionOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(options);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            SocketTuning.Apply(socket, options);
            await socket.ConnectAsync(remote, timeout.Token);
            return socket;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TargetDialException(
                DialFailure.TimedOut,
                $"no answer from {remote} within {options.ConnectTimeout.TotalSeconds:0.###} s");
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new TargetDialException(Classify(e.SocketErrorCode), $"{remote}: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    internal static DialFailure Classify(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => DialFailure.Refused,
        SocketError.TimedOut => DialFailure.TimedOut,
        SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown
            or SocketError.NetworkDown => DialFailure.Unreachable,
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => DialFailure.Unresolved,
        SocketError.AccessDenied => DialFailure.PermissionDenied,
        _ => DialFailure.Error,
    };
}
