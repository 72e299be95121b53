using System.Net;
using System.Net.Sockets;
using TcpRelay.Configuration;

namespace TcpRelay.Targets;

/// <summary>
/// Dials a fixed address. IP literals are parsed once; names are resolved on every dial.
/// Its health is the outcome of the last dial: a fixed address has nothing else to watch, and
/// probing a target that nobody uses would put connections in its logs.
/// </summary>
internal sealed class AddressDialer : ITargetDialer, ITargetHealth, IDirectDialer
{
    private readonly AddressTarget _target;
    private readonly ConnectionOptions _options;
    private readonly IPEndPoint? _literal;
    private readonly IPEndPoint? _localBind;
    private string? _problem;

    public AddressDialer(AddressTarget target, ConnectionOptions options)
    {
        _target = target;
        _options = options;
        if (IPAddress.TryParse(target.Host, out IPAddress? address))
        {
            _literal = new IPEndPoint(address, target.Port);
        }

        if (target.BindAddress is not null || target.SourcePort is not null)
        {
            IPAddress local = target.BindAddress ?? (_literal?.AddressFamily == AddressFamily.InterNetworkV6
                ? IPAddress.IPv6Any
                : IPAddress.Any);
            _localBind = new IPEndPoint(local, target.SourcePort ?? 0);
        }

        CurrentTarget = target.Describe();
        if (_literal is not null)
        {
            Direct = new DirectTarget(_literal, _localBind, options);
        }
    }

    public DirectTarget? Direct { get; }

    public string CurrentTarget { get; }

    public bool IsResolved => Volatile.Read(ref _problem) is null;

    public string? Problem => Volatile.Read(ref _problem);

    public async ValueTask<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            IPEndPoint remote = _literal ?? await ResolveAsync(cancellationToken);
            Socket socket = await TcpConnector.ConnectAsync(remote, _options, _localBind, cancellationToken);
            Volatile.Write(ref _problem, null);
            return socket;
        }
        catch (TargetDialException e)
        {
            Volatile.Write(ref _problem, $"last dial failed: {e.Message}");
            throw;
        }
    }

    public void Report(string? problem)
    {
        // Written only when it changes: every connection reports, and most find it unchanged.
        string? last = Volatile.Read(ref _problem);
        if (problem is null ? last is not null : last is null || !last.EndsWith(problem, StringComparison.Ordinal))
        {
            Volatile.Write(ref _problem, problem is null ? null : $"last dial failed: {problem}");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async ValueTask<IPEndPoint> ResolveAsync(CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(
                _target.Host, _target.Family ?? AddressFamily.Unspecified, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new TargetDialException(
                DialFailure.Unresolved, $"cannot resolve {_target.Host}: {e.Message}", e);
        }

        foreach (IPAddress address in addresses)
        {
            if (_localBind is null || address.AddressFamily == _localBind.AddressFamily)
            {
                return new IPEndPoint(address, _target.Port);
            }
        }

        throw new TargetDialException(DialFailure.Unresolved, $"{_target.Host} has no usable address");
    }
}
