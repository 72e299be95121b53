using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace TcpRelay.Hosting;

/// <summary>The client side of the status protocol (see <see cref="StatusEndpoint"/>).</summary>
internal static class StatusClient
{
    private const int MaxRequestLine = 256;

    /// <summary>Asks the service at <paramref name="path"/>; throws <see cref="SocketException"/> when none answers.</summary>
    public static async Task<(StatusReport Report, string Json)> QueryAsync(string path, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
        await socket.SendAsync(Encoding.ASCII.GetBytes(StatusEndpoint.Request + "\n"), SocketFlags.None, cancellationToken);
        using var answer = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
        {
            answer.Write(buffer, 0, read);
        }

        string json = Encoding.UTF8.GetString(answer.ToArray());
        StatusReport report = JsonSerializer.Deserialize(json, StatusJson.Default.StatusReport)
            ?? throw new JsonException("empty answer");
        return (report, json);
    }

    /// <summary>True when something accepts connections on the socket file.</summary>
    public static bool Answers(string path)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Reads one short line (without its newline); the status protocol's requests are one word.</summary>
    public static async Task<string> ReadLineAsync(Socket socket, CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (line.Length < MaxRequestLine)
        {
            if (await socket.ReceiveAsync(one, SocketFlags.None, cancellationToken) == 0 || one[0] == '\n')
            {
                break;
            }

            line.Append((char)one[0]);
        }

        return line.ToString().TrimEnd('\r');
    }
}
