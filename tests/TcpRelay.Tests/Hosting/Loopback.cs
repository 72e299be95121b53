using System.Net;
using System.Net.Sockets;

namespace TcpRelay.Hosting;

/// <summary>Small helpers for tests that talk to a relay on loopback.</summary>
internal static class Loopback
{
    /// <summary>A port that was free a moment ago (the kernel's choice for an ephemeral bind).</summary>
    public static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    public static async Task<Socket> ConnectAsync(int port, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
        return socket;
    }

    /// <summary>Sends random bytes and checks that exactly the same come back.</summary>
    public static async Task AssertEchoesAsync(Socket socket, int size, CancellationToken ct)
    {
        byte[] sent = new byte[size];
        Random.Shared.NextBytes(sent);
        Task sending = socket.SendAsync(sent, SocketFlags.None, ct).AsTask();
        byte[] received = new byte[size];
        int total = 0;
        while (total < size)
        {
            int n = await socket.ReceiveAsync(received.AsMemory(total), SocketFlags.None, ct);
            Assert.NotEqual(0, n);
            total += n;
        }

        await sending;
        Assert.Equal(sent, received);
    }

    /// <summary>Reads until the peer closes (FIN or reset); returns how many bytes came.</summary>
    public static async Task<int> ReadToEndAsync(Socket socket, CancellationToken ct)
    {
        var buffer = new byte[4096];
        int total = 0;
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0)
            {
                total += n;
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // An aborted connection ends with a reset; that is an end too.
        }

        return total;
    }
}
