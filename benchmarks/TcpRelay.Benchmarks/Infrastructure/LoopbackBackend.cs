using System.Net;
using System.Net.Sockets;

namespace TcpRelay.Benchmarks.Infrastructure;

/// <summary>
/// A server on an ephemeral loopback port that the relay (or the direct baseline) connects to.
/// Each subclass decides what one connection does.
/// </summary>
internal abstract class LoopbackBackend : IDisposable
{
    private readonly Socket _listener;

    protected LoopbackBackend()
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(1024);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _ = AcceptLoopAsync();
    }

    public IPEndPoint EndPoint { get; }

    public void Dispose() => _listener.Dispose();

    /// <summary>Serves one accepted connection; the socket is disposed when this returns.</summary>
    protected abstract Task ServeAsync(Socket socket);

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return; // disposed at the end of the benchmark
            }

            socket.NoDelay = true;
            _ = ServeAndCloseAsync(socket);
        }
    }

    private async Task ServeAndCloseAsync(Socket socket)
    {
        try
        {
            await ServeAsync(socket);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            // The client went away mid-exchange (for instance at cleanup); nothing to report.
        }
        finally
        {
            socket.Dispose();
        }
    }
}
