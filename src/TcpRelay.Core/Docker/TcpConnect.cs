using System.Net;
using System.Net.Sockets;
using TcpRelay.Configuration;
using TcpRelay.Targets;

namespace TcpRelay.Docker;

/// <summary>Minimal connect with timeout until the shared connector lands; then this file goes.</summary>
internal static class TcpConnect
{
    public static async ValueTask<Socket> ConnectAsync(IPEndPoint remote, ConnectionOptions options,
        CancellationToken cancellationToken)
    {
        var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = options.NoDelay };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(remote, timeout.Token);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            DialFailure failure = e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => DialFailure.Refused,
                SocketError.HostUnreachable or SocketError.NetworkUnreachable => DialFailure.Unreachable,
                SocketError.TimedOut => DialFailure.TimedOut,
                _ => DialFailure.Error,
            };
            throw new TargetDialException(failure, $"connecting to {remote} failed: {e.Message}", e);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TargetDialException(DialFailure.TimedOut, $"no answer from {remote} within {options.ConnectTimeout}");
        }
    }
}
