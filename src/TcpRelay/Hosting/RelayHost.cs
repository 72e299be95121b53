using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using TcpRelay.Serving;

namespace TcpRelay.Hosting;

/// <summary>
/// Builds and runs the Generic Host around the relay: console logs (systemd's format and
/// readiness notification when started by systemd), graceful stop on SIGTERM and SIGINT.
/// </summary>
internal static class RelayHost
{
    // Beyond the drain: aborting the rest and logging the counts takes a moment too.
    private static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(10);

    /// <summary>Runs until stopped; returns the process exit code.</summary>
    public static async Task<int> RunAsync(RelayHostSettings settings)
    {
        using IHost host = Build(settings);
        try
        {
            await host.RunAsync();
            return 0;
        }
        catch (RelayStartException)
        {
            return 1; // each failure is already logged
        }
    }

    public static IHost Build(RelayHostSettings settings)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());

        // TCPRELAY_Logging__LogLevel__TcpRelay=Debug and similar fine-tune logging per category.
        builder.Configuration.AddEnvironmentVariables("TCPRELAY_");
        ConfigureLogging(builder, settings.LogLevel);
        builder.Services.AddSystemd();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Config.DrainTimeout + StopMargin);
        builder.Services.AddRelay(settings);
        return builder.Build();
    }

    private static void ConfigureLogging(HostApplicationBuilder builder, LogLevel level)
    {
        builder.Logging.SetMinimumLevel(level);

        // The host's own start/stop chatter adds nothing to the relay's lines, and a failed start
        // is already logged (without a stack trace) by the relay.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });

        // Logs are diagnostics, never data: all of them go to stderr, as socat's do.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }
}
