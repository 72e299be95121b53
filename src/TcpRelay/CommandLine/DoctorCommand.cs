using System.Text;
using TcpRelay.Configuration;
using TcpRelay.Doctor;

namespace TcpRelay.CommandLine;

/// <summary>
/// <c>tcprelay doctor</c>: examines each route and names what stands between a client and the
/// target. Exit code 0 when every finding is ok, 1 when the worst is a warning, 2 when something
/// fails, including a configuration that cannot be read or a route name that does not exist.
/// </summary>
internal static class DoctorCommand
{
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        DoctorArguments arguments;
        string path;
        RelayConfig config;
        try
        {
            arguments = DoctorArguments.Parse(args);
            path = ConfigFileLocator.Resolve(arguments.ConfigPath);
            config = ConfigLoader.Load(path);
        }
        catch (CommandLineException e)
        {
            // Exit 1 would read as "warnings": a doctor that cannot run is a failure.
            await stderr.WriteLineAsync($"tcprelay doctor: {e.Message}");
            return 2;
        }
        catch (ConfigException e)
        {
            ConfigErrorFormatter.WriteAll(stderr, e);
            return 2;
        }

        string[] unknown = [.. arguments.Routes.Where(name => !config.Routes.ContainsKey(name))];
        if (unknown.Length > 0)
        {
            await stderr.WriteLineAsync(
                $"tcprelay doctor: no route named {string.Join(", ", unknown)} in {path} "
                + $"(routes: {string.Join(", ", config.Routes.Keys)})");
            return 2;
        }

        IReadOnlyList<RouteConfig> routes = arguments.Routes.Count == 0
            ? [.. config.Routes.Values]
            : [.. arguments.Routes.Distinct(StringComparer.Ordinal).Select(name => config.Routes[name])];
        var timeouts = new DoctorTimeouts();
        if (arguments.Timeout is { } limit)
        {
            timeouts = timeouts with { Docker = limit, Tool = limit };
        }

        DoctorReport report = await new RouteDoctor(config, timeouts).ExamineAsync(routes, cancellationToken);
        if (arguments.Json)
        {
            using var buffer = new MemoryStream();
            JsonReportWriter.Write(buffer, report);
            await stdout.WriteLineAsync(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }
        else
        {
            TextReportWriter.Write(stdout, report, UseColour(stdout));
        }

        await stdout.FlushAsync(cancellationToken);
        return report.ExitCode;
    }

    /// <summary>Colour only on a terminal, and never when NO_COLOR is set (no-color.org).</summary>
    private static bool UseColour(TextWriter stdout) =>
        ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
}
