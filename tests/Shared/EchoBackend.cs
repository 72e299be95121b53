using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TcpRelay;

/// <summary>
/// A loopback TCP server that greets each connection with its name and a newline, then echoes
/// every byte back; a FIN from the client is answered with a FIN after the echo.
/// </summary>
internal sealed class EchoBackend : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Socket> _accepted = [];
    private readonly Task _loop;

    public EchoBackend(string name, int port = 0)
    {
        Name = name;
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        _listener.Listen(512);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _loop = AcceptAsync();
    }

    public string Name { get; }

    public IPEndPoint EndPoint { get; }

    public int Port => EndPoint.Port;

    public int Accepted => _accepted.Count;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _loop;
        foreach (Socket socket in _accepted)
        {
            socket.Dispose();
        }
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _accepted.Add(socket);
            _ = EchoAsync(socket);
        }
    }

    private async Task EchoAsync(Socket socket)
    {
        try
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes(Name + "\n"), SocketFlags.None);
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                await socket.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }

            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The test ended the connection; nothing to echo any more.
        }
    }
}
