using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using TcpRelay.Benchmarks.Infrastructure;

namespace TcpRelay.Benchmarks;

/// <summary>
/// Bulk transfer over kept-open connections, relayed versus direct. One operation sends
/// <see cref="TransferSize"/> bytes on each of <see cref="Streams"/> connections at once and
/// waits until the backend has received all of it.
/// </summary>
[Config(typeof(ThroughputConfig))]
public class ThroughputBenchmarks
{
    private const int ChunkSize = 64 * 1024;
    private static readonly byte[] Payload = new byte[ChunkSize];

    private RelayedBackend<SinkBackend>? _endpoints;
    private Socket[] _direct = [];
    private Socket[] _relayed = [];
    private Task[] _transfers = [];

    [Params(1, 8)]
    public int Streams { get; set; }

    [Params(1024 * 1024, 16 * 1024 * 1024)]
    public int TransferSize { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _endpoints = await RelayedBackend<SinkBackend>.StartAsync();
        _direct = await ConnectAllAsync(_endpoints.Direct);
        _relayed = await ConnectAllAsync(_endpoints.Relayed);
        _transfers = new Task[Streams];
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        foreach (Socket socket in _direct.Concat(_relayed))
        {
            socket.Dispose();
        }

        if (_endpoints is not null)
        {
            await _endpoints.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true)]
    public Task Direct() => TransferAllAsync(_direct);

    [Benchmark]
    public Task Relayed() => TransferAllAsync(_relayed);

    private async Task<Socket[]> ConnectAllAsync(IPEndPoint endPoint)
    {
        var sockets = new Socket[Streams];
        for (int i = 0; i < sockets.Length; i++)
        {
            sockets[i] = await SocketExtensions.ConnectAsync(endPoint);
        }

        return sockets;
    }

    private Task TransferAllAsync(Socket[] sockets)
    {
        for (int i = 0; i < sockets.Length; i++)
        {
            _transfers[i] = TransferAsync(sockets[i], TransferSize);
        }

        return Task.WhenAll(_transfers);
    }

    private static async Task TransferAsync(Socket socket, int size)
    {
        byte[] header = new byte[SinkBackend.HeaderSize];
        BinaryPrimitives.WriteInt32LittleEndian(header, size);
        await socket.SendAsync(header);
        for (int sent = 0; sent < size; sent += ChunkSize)
        {
            await socket.SendAsync(Payload.AsMemory(0, Math.Min(ChunkSize, size - sent)));
        }

        if (!await socket.ReceiveExactlyAsync(header.AsMemory(0, 1)))
        {
            throw new IOException("The backend closed instead of acknowledging the transfer.");
        }
    }
}
