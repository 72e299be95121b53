using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TcpRelay.Serving;

namespace TcpRelay.Hosting;

/// <summary>
/// Reloads relay.json when the file changes (debounced) and on SIGHUP (systemd's ExecReload).
/// Requests queue one deep: a request that arrives during a reload runs once it is done, and
/// any more that arrive meanwhile fold into that one.
/// </summary>
internal sealed class ReloadService : BackgroundService
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(250);

    private readonly RelayHostSettings _settings;
    private readonly ILogger<ReloadService> _logger;
    private readonly TimeProvider _time;
    private readonly ConfigReloader? _reloader;
    private readonly Channel<string> _requests = Channel.CreateBounded<string>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private PosixSignalRegistration? _hangup;

    public ReloadService(
        RelayServer server, RelayHostSettings settings, TimeProvider time, ILogger<ReloadService> logger)
    {
        _settings = settings;
        _logger = logger;
        _time = time;
        _reloader = settings.ConfigFile is { } path ? new ConfigReloader(server, path, logger) : null;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Registered even without a file, so that SIGHUP never kills the service (its default action).
        _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            _requests.Writer.TryWrite("SIGHUP");
        });
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _hangup?.Dispose();
        _reloader?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_reloader is null || _settings.ConfigFile is not { } path)
        {
            await foreach (string _ in _requests.Reader.ReadAllAsync(stoppingToken))
            {
                HostLog.ReloadNotAvailable(_logger);
            }

            return;
        }

        using ConfigFileWatcher? watcher = Watch(path);
        await foreach (string trigger in _requests.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await _reloader.ReloadAsync(trigger, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ReloadLog.ReloadFailed(_logger, path, e);
            }
        }
    }

    private ConfigFileWatcher? Watch(string path)
    {
        try
        {
            var watcher = new ConfigFileWatcher(
                path, Quiet, () => _requests.Writer.TryWrite("file changed"), _logger, _time);
            ReloadLog.Watching(_logger, path);
            return watcher;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            // For example the inotify watch limit: SIGHUP still works.
            ReloadLog.WatchFailed(_logger, path, e);
            return null;
        }
    }
}
