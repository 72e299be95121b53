using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TcpRelay.Serving;

namespace TcpRelay.Hosting;

/// <summary>
/// Answers <c>tcprelay status</c> on a Unix socket that only the service's user may open
/// (mode 0600, in a folder created 0700). The protocol is one request line, <c>status</c>,
/// answered with one JSON document, after which the service closes the connection.
/// </summary>
internal sealed class StatusEndpoint(RelayServer server, TimeProvider time, ILogger<StatusEndpoint> logger)
    : IHostedService, IDisposable
{
    public const string Request = "status";
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new();
    private Socket? _socket;
    private string? _path;
    private Task _loop = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (server.Config?.StatusSocket is not { } path)
        {
            return Task.CompletedTask;
        }

        try
        {
            _socket = Bind(path);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            // Status is a convenience: the relay serves without it.
            DiagnosticsLog.StatusBindFailed(logger, path, e.Message);
            return Task.CompletedTask;
        }

        _path = path;
        _loop = AcceptAsync(_socket, _stopping.Token);
        DiagnosticsLog.StatusListening(logger, path);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        _socket?.Dispose();
        await _loop;
        if (_path is not null)
        {
            File.Delete(_path);
        }
    }

    public void Dispose()
    {
        _socket?.Dispose();
        _stopping.Dispose();
    }

    internal StatusReport CreateReport()
    {
        DateTimeOffset now = time.GetUtcNow();
        return new StatusReport(
            [.. server.Routes.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r => new StatusRoute(
                r.Name, r.Listen?.ToString(), r.Target, r.Listen is not null, r.Problem, r.ActiveConnections,
                r.TotalConnections))],
            [.. server.Connections.OrderBy(c => c.StartedAt).Select(c => new StatusConnection(
                c.Route, c.Client, c.Target, Math.Round((now - c.StartedAt).TotalSeconds, 3), c.BytesFromClient,
                c.BytesFromTarget))]);
    }

    private static Socket Bind(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new IOException("the status socket needs Unix file modes");
        }

        string folder = Path.GetDirectoryName(path) ?? "/";
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // A socket file left by a service that died: nobody answers on it, so it can go.
        if (File.Exists(path) && !StatusClient.Answers(path))
        {
            File.Delete(path);
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            socket.Listen(16);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task AcceptAsync(Socket listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stopping);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                DiagnosticsLog.StatusRequestFailed(logger, e.Message);
                continue;
            }

            _ = AnswerAsync(client, stopping);
        }
    }

    private async Task AnswerAsync(Socket client, CancellationToken stopping)
    {
        using (client)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            timeout.CancelAfter(RequestTimeout);
            try
            {
                string request = await StatusClient.ReadLineAsync(client, timeout.Token);
                byte[] answer = request == Request
                    ? JsonSerializer.SerializeToUtf8Bytes(CreateReport(), StatusJson.Default.StatusReport)
                    : Encoding.UTF8.GetBytes($"{{\"error\": \"unknown request; send '{Request}'\"}}");
                await client.SendAsync(answer, SocketFlags.None, timeout.Token);
                client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
            {
                DiagnosticsLog.StatusRequestFailed(logger, e.Message);
            }
        }
    }
}
