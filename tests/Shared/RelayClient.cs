using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TcpRelay;

/// <summary>A client connection through the relay to an <see cref="EchoBackend"/>.</summary>
internal sealed class RelayClient : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    private RelayClient()
    {
    }

    /// <summary>The name the backend greeted with: which target this connection reached.</summary>
    public string Backend { get; private set; } = "";

    public Socket Socket => _socket;

    public static async Task<RelayClient> ConnectAsync(IPEndPoint relay, CancellationToken ct)
    {
        var client = new RelayClient();
        await client._socket.ConnectAsync(relay, ct);
        client.Backend = await client.ReadLineAsync(ct);
        return client;
    }

    /// <summary>
    /// Connects to a relay route whose target cannot be dialed and waits until the relay closes
    /// the connection. The relay may reset it before the connect is reported, which counts too.
    /// </summary>
    public static async Task ConnectUntilClosedAsync(IPEndPoint relay, CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(relay, ct);
            await socket.ReceiveAsync(new byte[1], SocketFlags.None, ct);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // Closed with a reset: what the relay does when the dial fails.
        }
    }

    /// <summary>Sends <paramref name="text"/> and reads the echo; throws when it does not come back whole.</summary>
    public async Task<string> EchoAsync(string text, CancellationToken ct)
    {
        byte[] data = Encoding.ASCII.GetBytes(text);
        await _socket.SendAsync(data, SocketFlags.None, ct);
        byte[] echo = new byte[data.Length];
        await ReadExactlyAsync(echo, ct);
        return Encoding.ASCII.GetString(echo);
    }

    public async Task ReadExactlyAsync(Memory<byte> buffer, CancellationToken ct)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int read = await _socket.ReceiveAsync(buffer[done..], SocketFlags.None, ct);
            if (read == 0)
            {
                throw new IOException($"connection closed after {done} of {buffer.Length} bytes");
            }

            done += read;
        }
    }

    public void Dispose() => _socket.Dispose();

    private async Task<string> ReadLineAsync(CancellationToken ct)
    {
        var line = new StringBuilder();
        byte[] one = new byte[1];
        while (true)
        {
            await ReadExactlyAsync(one, ct);
            if (one[0] == '\n')
            {
                return line.ToString();
            }

            line.Append((char)one[0]);
        }
    }
}
