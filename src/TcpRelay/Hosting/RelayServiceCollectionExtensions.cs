using Microsoft.Extensions.DependencyInjection;
using TcpRelay.Serving;
using TcpRelay.Targets;

namespace TcpRelay.Hosting;

/// <summary>The relay's services in the host's container.</summary>
internal static class RelayServiceCollectionExtensions
{
    /// <summary>
    /// Registers the server, one <see cref="ITargetDialerFactory"/> per target kind (the server
    /// asks each in turn), and the hosted services that run it.
    /// </summary>
    public static IServiceCollection AddRelay(this IServiceCollection services, RelayHostSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);

        services.AddSingleton<ITargetDialerFactory, AddressDialerFactory>();
        services.AddDockerTargets(settings.Config);

        services.AddSingleton<RelayServer>();
        services.AddHostedService<RelayHostedService>();

        // After the relay: they read the running server's configuration and routes.
        services.AddHostedService<ReloadService>();
        services.AddHostedService<MetricsEndpoint>();
        services.AddHostedService<StatusEndpoint>();
        return services;
    }
}
