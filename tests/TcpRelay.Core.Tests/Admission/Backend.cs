using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace TcpRelay.Admission;

/// <summary>
/// A loopback target that accepts and keeps every connection, so tests can count what the relay
/// dialed and read exactly what arrived.
/// </summary>
internal sealed class Backend : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly ConcurrentQueue<Socket> _accepted = new();
    private readonly ConcurrentBag<Socket> _all = [];
    private readonly SemaphoreSlim _arrivals = new(0);
    private readonly Task _loop;
    private int _count;

    public Backend()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        _loop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public int Accepted => Volatile.Read(ref _count);

    public async Task<Socket> NextAsync(TimeSpan? timeout = null)
    {
        Assert.True(
            await _arrivals.WaitAsync(timeout ?? TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken),
            "the relay did not dial the backend");
        Assert.True(_accepted.TryDequeue(out Socket? socket));
        return socket;
    }

    public static async Task<byte[]> ReadExactlyAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int have = 0;
        while (have < count)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(have), SocketFlags.None, cts.Token);
            Assert.True(n > 0, $"connection ended after {have} of {count} bytes");
            have += n;
        }

        return buffer;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        foreach (Socket socket in _all)
        {
            socket.Dispose();
        }

        _arrivals.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket = await _listener.AcceptAsync();
            _all.Add(socket);
            _accepted.Enqueue(socket);
            Interlocked.Increment(ref _count);
            _arrivals.Release();
        }
    }
}
