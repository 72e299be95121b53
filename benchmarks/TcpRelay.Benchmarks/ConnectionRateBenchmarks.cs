using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using TcpRelay.Benchmarks.Infrastructure;

namespace TcpRelay.Benchmarks;

/// <summary>
/// One short connection per operation: connect, send a 64-byte request, read the 64-byte
/// response, wait for the server to close, close. Allocated bytes per operation are the
/// relay's cost per connection (minus the client's, which the baseline shows).
/// </summary>
public class ConnectionRateBenchmarks
{
    private readonly byte[] _request = new byte[ReplyAndCloseBackend.MessageSize];
    private readonly byte[] _response = new byte[ReplyAndCloseBackend.MessageSize + 1];
    private RelayedBackend<ReplyAndCloseBackend>? _endpoints;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _endpoints = await RelayedBackend<ReplyAndCloseBackend>.StartAsync();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_endpoints is not null)
        {
            await _endpoints.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true)]
    public Task Direct() => ExchangeAsync(_endpoints!.Direct);

    [Benchmark]
    public Task Relayed() => ExchangeAsync(_endpoints!.Relayed);

    private async Task ExchangeAsync(IPEndPoint endPoint)
    {
        using Socket socket = await SocketExtensions.ConnectAsync(endPoint);
        await socket.SendAsync(_request);
        if (!await socket.ReceiveExactlyAsync(_response.AsMemory(0, ReplyAndCloseBackend.MessageSize)))
        {
            throw new IOException("The connection closed before the response.");
        }

        // The server closes first; reading its FIN keeps TIME_WAIT off the client's ports.
        if (await socket.ReceiveAsync(_response.AsMemory(ReplyAndCloseBackend.MessageSize)) != 0)
        {
            throw new IOException("The server sent more than the response.");
        }
    }
}
