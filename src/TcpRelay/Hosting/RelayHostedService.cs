using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TcpRelay.Serving;

namespace TcpRelay.Hosting;

/// <summary>
/// Runs the <see cref="RelayServer"/> inside the Generic Host: binds every route on start (so
/// systemd hears READY only once all listen), drains on stop, and ends the application by
/// itself when the server completes (the socat form without <c>fork</c>).
/// </summary>
internal sealed class RelayHostedService(
    RelayServer server,
    RelayHostSettings settings,
    IHostApplicationLifetime lifetime,
    ILogger<RelayHostedService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        HostLog.Starting(logger, settings.Config.Routes.Count, settings.Origin);
        try
        {
            await server.StartAsync(settings.Config, cancellationToken);
        }
        catch (RelayStartException e)
        {
            foreach (string failure in e.Failures)
            {
                HostLog.StartFailed(logger, failure);
            }

            throw;
        }

        _ = StopWhenCompletedAsync();
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        server.StopAsync(settings.Config.DrainTimeout, cancellationToken);

    private async Task StopWhenCompletedAsync()
    {
        await server.Completion;
        if (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            HostLog.SingleConnectionDone(logger);
            lifetime.StopApplication();
        }
    }
}
