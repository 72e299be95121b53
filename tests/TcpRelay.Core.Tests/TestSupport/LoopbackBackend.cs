using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace TcpRelay.TestSupport;

/// <summary>
/// The relay's target in tests: a listener on a loopback port. With a handler, every accepted
/// connection runs it (and is closed after it); without one, the test takes accepted sockets
/// with <see cref="AcceptAsync"/> and owns them.
/// </summary>
internal sealed class LoopbackBackend : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Func<Socket, CancellationToken, Task>? _handler;
    private readonly Channel<Socket> _accepted = Channel.CreateUnbounded<Socket>();
    private readonly ConcurrentDictionary<Socket, Task> _running = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;

    public LoopbackBackend(
        Func<Socket, CancellationToken, Task>? handler = null,
        IPAddress? address = null,
        int backlog = 511,
        int? receiveBufferSize = null)
    {
        address ??= IPAddress.Loopback;
        _handler = handler;
        _listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (receiveBufferSize is { } size)
        {
            // Set on the listener so accepted sockets start with it (window scale is fixed at SYN).
            _listener.ReceiveBufferSize = size;
        }

        _listener.Bind(new IPEndPoint(address, 0));
        _listener.Listen(backlog);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _acceptLoop = AcceptLoopAsync();
    }

    public IPEndPoint EndPoint { get; }

    public int AcceptedCount { get; private set; }

    /// <summary>A backend that sends back everything it receives, then closes after the client's FIN.</summary>
    public static LoopbackBackend Echo() => new(EchoAsync);

    public static async Task EchoAsync(Socket socket, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0)
        {
            await socket.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, ct);
        }

        socket.Shutdown(SocketShutdown.Send);
    }

    /// <summary>The next accepted connection (only without a handler).</summary>
    public async Task<Socket> AcceptAsync(TimeSpan timeout)
    {
        using var cts = Bounded.Within(timeout);
        return await _accepted.Reader.ReadAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
        foreach (Socket socket in _running.Keys)
        {
            socket.Dispose();
        }

        await Task.WhenAll(_running.Values);
        while (_accepted.Reader.TryRead(out Socket? socket))
        {
            socket.Dispose();
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException
                or SocketException)
            {
                return;
            }

            AcceptedCount++;
            if (_handler is null)
            {
                _accepted.Writer.TryWrite(socket);
            }
            else
            {
                _running[socket] = RunAsync(socket);
            }
        }
    }

    private async Task RunAsync(Socket socket)
    {
        await Task.Yield();
        try
        {
            await _handler!(socket, _stopping.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException
            or SocketException)
        {
            // The test is over or the relay reset the connection; tests assert on their own side.
        }
        finally
        {
            socket.Dispose();
        }
    }
}
