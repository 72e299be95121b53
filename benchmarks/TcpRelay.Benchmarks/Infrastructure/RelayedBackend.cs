using System.Net;

namespace TcpRelay.Benchmarks.Infrastructure;

/// <summary>
/// A backend and the in-process relay in front of it: the two endpoints every benchmark
/// compares, <see cref="Direct"/> (the baseline) and <see cref="Relayed"/>.
/// </summary>
internal sealed class RelayedBackend<TBackend> : IAsyncDisposable
    where TBackend : LoopbackBackend, new()
{
    private readonly TBackend _backend;
    private readonly LoopbackRelay _relay;

    private RelayedBackend(TBackend backend, LoopbackRelay relay)
    {
        _backend = backend;
        _relay = relay;
    }

    public IPEndPoint Direct => _backend.EndPoint;

    public IPEndPoint Relayed => _relay.EndPoint;

    public static async Task<RelayedBackend<TBackend>> StartAsync()
    {
        var backend = new TBackend();
        try
        {
            return new RelayedBackend<TBackend>(backend, await LoopbackRelay.StartAsync(backend.EndPoint));
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _relay.DisposeAsync();
        _backend.Dispose();
    }
}
