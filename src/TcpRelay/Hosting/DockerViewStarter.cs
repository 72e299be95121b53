using Microsoft.Extensions.Hosting;
using TcpRelay.Configuration;
using TcpRelay.Docker;

namespace TcpRelay.Hosting;

/// <summary>
/// Starts the Docker view before the routes bind, so the first connections find the containers
/// already inspected. A configuration without container targets never contacts the engine.
/// </summary>
internal sealed class DockerViewStarter(DockerView view, RelayConfig config) : IHostedService
{
    // An engine that accepts but does not answer must not hold the whole service's start.
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(10);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!config.Routes.Values.Any(route => route.Target is ContainerTarget))
        {
            return;
        }

        try
        {
            await view.StartAsync(cancellationToken).WaitAsync(StartBound, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The view keeps trying in the background and logs what happens; connections wait.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
