using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TcpRelay.Configuration;
using TcpRelay.Docker;
using TcpRelay.Targets;
using TcpRelay.Targets.Namespaces;

namespace TcpRelay.Hosting;

/// <summary>
/// Adds container and namespace targets to the host: one Docker view for the process, the
/// container dialer factory that reads it, and the namespace dialer factory.
/// </summary>
internal static class DockerTargetsRegistration
{
    /// <summary>
    /// Call before the relay's hosted service is added: hosted services start in the order they
    /// were added, and the view must have looked at the engine before routes bind.
    /// </summary>
    public static IServiceCollection AddDockerTargets(this IServiceCollection services, RelayConfig config)
    {
        services.AddSingleton(provider => new DockerView(
            config.Docker,
            provider.GetRequiredService<ILoggerFactory>(),
            provider.GetService<TimeProvider>()));
        services.AddSingleton<ITargetDialerFactory>(provider => new ContainerDialerFactory(
            provider.GetRequiredService<DockerView>(),
            provider.GetRequiredService<ILoggerFactory>(),
            provider.GetService<TimeProvider>()));
        services.AddSingleton<ITargetDialerFactory>(provider =>
        {
            NamespaceSockets.Shared.UseLogger(
                provider.GetRequiredService<ILoggerFactory>().CreateLogger("TcpRelay.Targets.Namespaces"));
            return new NamespaceDialerFactory(NamespaceSockets.Shared);
        });
        services.AddHostedService(provider => new DockerViewStarter(
            provider.GetRequiredService<DockerView>(), config));
        return services;
    }
}
