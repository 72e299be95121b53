using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TcpRelay.Hosting;

/// <summary>
/// Catches SIGHUP (systemd's ExecReload) so that it does not kill the service, which is the
/// signal's default action. Reloading the configuration is not part of this build yet; until it
/// is, a reload request is logged and the running configuration stays.
/// </summary>
internal sealed class HangupSignalHandler(ILogger<HangupSignalHandler> logger) : IHostedService, IDisposable
{
    private PosixSignalRegistration? _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            HostLog.ReloadNotAvailable(logger);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _registration?.Dispose();
}
