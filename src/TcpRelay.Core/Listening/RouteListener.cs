using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using TcpRelay.Configuration;
using TcpRelay.Relaying.Splicing;

namespace TcpRelay.Listening;

/// <summary>
/// A bound listening socket and its accept loop. The loop survives every error while the
/// listener is open: descriptor exhaustion (EMFILE/ENFILE) is logged once per burst and backed
/// off, anything else is logged and retried. Where the splice engine runs, the splice loops
/// accept (<see cref="LoopAcceptor"/>) and this class only pauses and resumes them.
/// </summary>
public sealed class RouteListener : IAsyncDisposable, IAcceptHandler
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);

    private readonly string _route;
    private readonly ListenConfig _config;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _socket;
    private IPEndPoint? _endPoint;
    private Task _acceptLoop = Task.CompletedTask;
    private LoopAcceptor? _loopAcceptor;
    private DescriptorAccepted? _loopHandler;

    /// <summary>Creates an unbound listener for a route.</summary>
    public RouteListener(string route, ListenConfig config, ILogger logger, TimeProvider? timeProvider = null)
    {
        _route = route;
        _config = config;
        _logger = logger;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// The bound endpoint (the real port when 0 was configured); null before binding and once
    /// the listening socket is closed. Kept apart from the socket so a status view never touches
    /// a disposed socket.
    /// </summary>
    public IPEndPoint? LocalEndPoint => Volatile.Read(ref _endPoint);

    /// <summary>
    /// TCP_NODELAY as set on the listening socket, which accepted sockets inherit, so a route
    /// that wants it needs no call per connection.
    /// </summary>
    public bool NoDelay { get; private set; }

    /// <summary>Binds and listens. Throws <see cref="SocketException"/> when the endpoint is unavailable.</summary>
    public void Bind(bool noDelay = false)
    {
        IPEndPoint endPoint = _config.EndPoint;
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = !_config.IPv6Only;
            }

            if (_config.ReuseAddress)
            {
                SocketReuse.EnableAddress(socket);
            }

            if (_config.ReusePort)
            {
                SocketReuse.EnablePort(socket);
            }

            if (noDelay)
            {
                socket.NoDelay = true;
            }

            socket.Bind(endPoint);
            socket.Listen(_config.Backlog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _socket = socket;
        _endPoint = socket.LocalEndPoint as IPEndPoint;
        NoDelay = noDelay;
    }

    /// <summary>
    /// Starts accepting. Where the splice engine runs and the listener forks, the splice loops
    /// accept and hand each connection to <paramref name="onLoop"/> as a bare descriptor on their
    /// own threads; otherwise an accept loop hands each to <paramref name="onAccepted"/> as a
    /// socket. Both are told the TCP_NODELAY the connection inherited (<see cref="NoDelay"/>), and
    /// neither may block. With <see cref="ListenConfig.Fork"/> false, the listener closes after
    /// the first connection.
    /// </summary>
    internal void Start(Action<Socket, bool> onAccepted, DescriptorAccepted onLoop)
    {
        Socket socket = _socket ?? throw new InvalidOperationException("Bind before Start.");
        if (_config.Fork)
        {
            _loopHandler = onLoop;
            _loopAcceptor = LoopAcceptor.Start((int)socket.SafeHandle.DangerousGetHandle(), this);
            if (_loopAcceptor is not null)
            {
                return;
            }
        }

        _acceptLoop = AcceptLoopAsync(socket, onAccepted, _stopping.Token);
    }

    /// <summary>Stops accepting and closes the listening socket. Live connections are not touched.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Volatile.Write(ref _endPoint, null);
        if (_loopAcceptor is not null)
        {
            // No loop may be inside accept4 on the descriptor when it is closed: its number
            // could be reused by a socket of another connection.
            await _loopAcceptor.StopAsync();
        }

        _socket?.Dispose();
        await _acceptLoop;
        _stopping.Dispose();
    }

    void IAcceptHandler.OnAccepted(SpliceLoop loop, int fd, ReadOnlySpan<byte> peer) =>
        _loopHandler!(loop, fd, peer, NoDelay);

    void IAcceptHandler.OnPaused(bool exhausted, int error)
    {
        if (!exhausted)
        {
            ListenerLog.AcceptFailed(_logger, _route, LocalEndPoint, new SocketException(error));
        }

        _acceptLoop = ResumeLoopAcceptAsync(exhausted, _stopping.Token);
    }

    /// <summary>Backs off, then lets the loops accept again once descriptors are free.</summary>
    private async Task ResumeLoopAcceptAsync(bool exhausted, CancellationToken stopping)
    {
        TimeSpan backoff = MinBackoff;
        if (exhausted)
        {
            ListenerLog.DescriptorsExhausted(_logger, _route, LocalEndPoint, MaxBackoff.TotalSeconds);
        }

        while (!stopping.IsCancellationRequested)
        {
            backoff = await BackOffAsync(backoff, stopping);
            if (stopping.IsCancellationRequested || !DescriptorReserve.TryTake())
            {
                continue;
            }

            if (exhausted)
            {
                ListenerLog.DescriptorsRecovered(_logger, _route, LocalEndPoint);
                exhausted = false;
            }

            int error = _loopAcceptor!.Resume();
            if (error == 0)
            {
                return;
            }

            // The kernel refused to watch the socket again: say so, and try again later.
            ListenerLog.AcceptFailed(_logger, _route, LocalEndPoint, new SocketException(error));
        }
    }

    private async Task AcceptLoopAsync(Socket socket, Action<Socket, bool> onAccepted, CancellationToken stopping)
    {
        TimeSpan backoff = MinBackoff;
        bool exhausted = false;
        DescriptorReserve.TryTake();
        while (!stopping.IsCancellationRequested)
        {
            if (!DescriptorReserve.TryTake())
            {
                // Descriptors are still short: accepting now would take the runtime's last ones.
                exhausted = LogExhaustedOnce(exhausted);
                backoff = await BackOffAsync(backoff, stopping);
                continue;
            }

            Socket accepted;
            try
            {
                accepted = await socket.AcceptAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (IsDescriptorExhaustion(e.SocketErrorCode))
            {
                DescriptorReserve.Release();
                exhausted = LogExhaustedOnce(exhausted);
                backoff = await BackOffAsync(backoff, stopping);
                continue;
            }
            catch (Exception e) when (e is SocketException or InvalidOperationException)
            {
                ListenerLog.AcceptFailed(_logger, _route, LocalEndPoint, e);
                backoff = await BackOffAsync(backoff, stopping);
                continue;
            }

            if (exhausted)
            {
                ListenerLog.DescriptorsRecovered(_logger, _route, LocalEndPoint);
                exhausted = false;
            }

            backoff = MinBackoff;
            onAccepted(accepted, NoDelay);
            if (!_config.Fork)
            {
                Volatile.Write(ref _endPoint, null);
                socket.Dispose();
                return;
            }
        }
    }

    private bool LogExhaustedOnce(bool exhausted)
    {
        if (!exhausted)
        {
            ListenerLog.DescriptorsExhausted(_logger, _route, LocalEndPoint, MaxBackoff.TotalSeconds);
        }

        return true;
    }

    private async Task<TimeSpan> BackOffAsync(TimeSpan backoff, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(backoff, _time, stopping);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop condition ends it.
        }

        return TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
    }

    private static bool IsDescriptorExhaustion(SocketError error) =>
        error is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable;
}
