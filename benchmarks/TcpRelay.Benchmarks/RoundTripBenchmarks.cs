using System.Net.Sockets;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using TcpRelay.Benchmarks.Infrastructure;

namespace TcpRelay.Benchmarks;

/// <summary>
/// Request and response of 64 bytes over a kept-alive connection, relayed versus direct, one
/// round trip per iteration so the percentile columns are those of single round trips.
/// </summary>
[Config(typeof(LatencyConfig))]
public class RoundTripBenchmarks
{
    private const int MessageSize = 64;
    private readonly byte[] _request = new byte[MessageSize];
    private readonly byte[] _response = new byte[MessageSize];
    private RelayedBackend<EchoBackend>? _endpoints;
    private Socket? _direct;
    private Socket? _relayed;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _endpoints = await RelayedBackend<EchoBackend>.StartAsync();
        _direct = await SocketExtensions.ConnectAsync(_endpoints.Direct);
        _relayed = await SocketExtensions.ConnectAsync(_endpoints.Relayed);

        // With one round trip per iteration, BenchmarkDotNet's warm-up is a few milliseconds:
        // too short for tiered compilation to reach the optimized code. Warm up here instead,
        // bounded in time and count.
        TimeSpan warmUp = TimeSpan.FromSeconds(BenchmarkMode.IsShort ? 0.5 : 2);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 200_000 && clock.Elapsed < warmUp; i++)
        {
            await RoundTripAsync(_direct);
            await RoundTripAsync(_relayed);
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _direct?.Dispose();
        _relayed?.Dispose();
        if (_endpoints is not null)
        {
            await _endpoints.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true)]
    public ValueTask Direct() => RoundTripAsync(_direct!);

    [Benchmark]
    public ValueTask Relayed() => RoundTripAsync(_relayed!);

    // Pooled, so the client allocates nothing per round trip and the allocation column shows
    // the relay's own.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask RoundTripAsync(Socket socket)
    {
        await socket.SendAsync(_request);
        if (!await socket.ReceiveExactlyAsync(_response))
        {
            throw new IOException("The connection closed during a round trip.");
        }
    }
}
