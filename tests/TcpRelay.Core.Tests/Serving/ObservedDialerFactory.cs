using System.Collections.Concurrent;
using System.Net.Sockets;
using TcpRelay.Configuration;
using TcpRelay.Targets;

namespace TcpRelay.Serving;

/// <summary>
/// Real address dialers, wrapped so that a test can see when the server disposes each one
/// (disposal has no other observable effect for an address target).
/// </summary>
internal sealed class ObservedDialerFactory : ITargetDialerFactory
{
    private readonly AddressDialerFactory _inner = new();

    public ConcurrentQueue<ObservedDialer> Created { get; } = new();

    public ITargetDialer? TryCreate(RouteConfig route)
    {
        if (_inner.TryCreate(route) is not { } dialer)
        {
            return null;
        }

        var observed = new ObservedDialer(dialer);
        Created.Enqueue(observed);
        return observed;
    }

    internal sealed class ObservedDialer(ITargetDialer inner) : ITargetDialer
    {
        private int _disposed;

        public bool Disposed => Volatile.Read(ref _disposed) != 0;

        public string CurrentTarget => inner.CurrentTarget;

        public ValueTask<Socket> ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            Assert.Equal(0, Interlocked.Exchange(ref _disposed, 1));
            await inner.DisposeAsync();
        }
    }
}
