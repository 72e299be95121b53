using System.Net.Sockets;
using System.Text.Json;
using TcpRelay.Configuration;
using TcpRelay.Hosting;

namespace TcpRelay.CommandLine;

/// <summary>
/// <c>tcprelay status [--json] [--socket PATH]</c>: asks the running service for its routes and
/// live connections. Exit codes: 0 answered, 1 bad arguments, 2 no service answered.
/// </summary>
internal static class StatusCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        bool json = false;
        string? path = null;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--json":
                    json = true;
                    break;
                case "--socket":
                    path = ++i < args.Count ? args[i] : throw new CommandLineException("--socket needs a path");
                    break;
                default:
                    throw new CommandLineException($"'{args[i]}' is not an option of 'status' (options: --json, --socket PATH)");
            }
        }

        path ??= StatusSocketPath.Default() ?? throw new CommandLineException(
            "no default status socket (not root and XDG_RUNTIME_DIR is not set); give one with --socket PATH");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            (StatusReport report, string text) = await StatusClient.QueryAsync(path, timeout.Token);
            stdout.Write(json ? text + "\n" : StatusTable.Render(report));
            return 0;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or JsonException)
        {
            stderr.WriteLine($"tcprelay: no tcprelay service at {path}: is it running? ({e.Message})");
            return 2;
        }
    }
}
