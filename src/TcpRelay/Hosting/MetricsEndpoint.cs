using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using TcpRelay.Configuration;
using TcpRelay.Diagnostics;
using TcpRelay.Serving;

namespace TcpRelay.Hosting;

/// <summary>
/// The optional HTTP listener of relay.json's <c>metrics.listen</c>: <c>/metrics</c> in the
/// Prometheus text format (OpenTelemetry's exporter reading the <c>TcpRelay</c> meter) and
/// <c>/healthz</c>. A small Kestrel application of its own, so that nothing HTTP runs when
/// <c>metrics</c> is absent.
/// </summary>
internal sealed class MetricsEndpoint(RelayServer server, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<MetricsEndpoint>();
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (server.Config?.Metrics is MetricsConfig metrics)
        {
            await StartListenerAsync(metrics, cancellationToken);
        }
    }

    // Kept out of StartAsync so that the ASP.NET Core assemblies load only when metrics are on.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task StartListenerAsync(MetricsConfig metrics, CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(metrics.Listen));
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("tcprelay"))
            .WithMetrics(meters => meters
            .AddMeter(RelayMetrics.MeterName)
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        WebApplication app = builder.Build();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapGet("/healthz", () =>
        {
            (bool healthy, string body) = HealthReport.Create(server.Routes);
            return Results.Text(
                body, "text/plain; charset=utf-8", statusCode: healthy ? StatusCodes.Status200OK : 503);
        });
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            DiagnosticsLog.MetricsBindFailed(_logger, metrics.Listen, e.Message);
            throw;
        }

        _app = app;
        DiagnosticsLog.MetricsListening(_logger, metrics.Listen);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
