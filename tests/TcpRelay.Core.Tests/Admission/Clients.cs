using System.Net;
using System.Net.Sockets;

namespace TcpRelay.Admission;

/// <summary>Loopback clients with a chosen source address, and how they see the relay close them.</summary>
internal static class Clients
{
    /// <summary>
    /// Connects from <paramref name="from"/>. On loopback a relay that refuses at once can reset
    /// the connection before the client has seen its own connect complete; the socket is returned
    /// all the same, and <see cref="ObserveAsync"/> reports it as reset.
    /// </summary>
    public static async Task<Socket> ConnectAsync(IPEndPoint relay, string from = "127.0.0.1")
    {
        IPAddress source = IPAddress.Parse(from);
        var socket = new Socket(relay.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (relay.AddressFamily == AddressFamily.InterNetworkV6 && source.AddressFamily == AddressFamily.InterNetwork)
        {
            source = source.MapToIPv6();
        }

        socket.Bind(new IPEndPoint(source, 0));
        try
        {
            await socket.ConnectAsync(relay, TestContext.Current.CancellationToken);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }

        return socket;
    }

    /// <summary>How the connection looks from the client after up to <paramref name="bound"/>.</summary>
    public static async Task<ClientView> ObserveAsync(Socket client, TimeSpan bound)
    {
        if (!client.Connected)
        {
            return ClientView.Reset;
        }

        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(bound);
        try
        {
            while (true)
            {
                int n = await client.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    return ClientView.Closed;
                }
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.NotConnected)
        {
            return ClientView.Reset;
        }
        catch (OperationCanceledException)
        {
            return ClientView.Open;
        }
    }

    /// <summary>True when the relay closed the connection (reset or FIN) within the bound.</summary>
    public static async Task<bool> ClosedWithinAsync(Socket client, TimeSpan bound) =>
        await ObserveAsync(client, bound) != ClientView.Open;
}
