using Microsoft.Extensions.Logging;
using TcpRelay.CommandLine;
using TcpRelay.Configuration;
using TcpRelay.Serving;

namespace TcpRelay.Hosting;

/// <summary>
/// Reads relay.json again and puts it in force, one reload at a time. A file that does not
/// validate changes nothing: every error is logged and the running configuration stays.
/// </summary>
internal sealed class ConfigReloader(RelayServer server, string path, ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <summary>Reloads; returns what the server did, or null when the file was rejected.</summary>
    public async Task<ReloadResult?> ReloadAsync(string trigger, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            ReloadLog.Reloading(logger, path, trigger);
            RelayConfig next;
            try
            {
                next = ConfigLoader.Load(path);
            }
            catch (ConfigException e)
            {
                foreach (ConfigError error in e.Errors)
                {
                    ReloadLog.InvalidConfig(logger, ConfigErrorFormatter.Format(e.Origin, error));
                }

                int count = e.Errors.Count;
                ReloadLog.KeepingPrevious(logger, path, count == 1 ? "1 error" : $"{count} errors");
                return null;
            }

            if (server.Config is { } running)
            {
                next = KeepRestartOnlySettings(running, next);
            }

            return await server.ApplyAsync(next, cancellationToken);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public void Dispose() => _oneAtATime.Dispose();

    /// <summary>
    /// The metrics listener, the status socket, the Docker endpoint and the global connection
    /// limit are set up once at start;
    /// a reload that changes them says so and keeps the running ones, so what status reports
    /// stays true.
    /// </summary>
    private RelayConfig KeepRestartOnlySettings(RelayConfig running, RelayConfig next)
    {
        if (!ConfigEquality.AreEqual(running.Metrics, next.Metrics))
        {
            ReloadLog.NeedsRestart(logger, path, "metrics");
        }

        if (running.StatusSocket != next.StatusSocket)
        {
            ReloadLog.NeedsRestart(logger, path, "statusSocket");
        }

        if (!ConfigEquality.AreEqual(running.Docker, next.Docker))
        {
            ReloadLog.NeedsRestart(logger, path, "docker");
        }

        if (running.MaxConnections != next.MaxConnections)
        {
            ReloadLog.NeedsRestart(logger, path, "maxConnections");
        }

        return next with
        {
            Metrics = running.Metrics,
            StatusSocket = running.StatusSocket,
            Docker = running.Docker,
            MaxConnections = running.MaxConnections,
        };
    }
}
