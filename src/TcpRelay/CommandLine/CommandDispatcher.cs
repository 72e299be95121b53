using TcpRelay.Configuration;
using TcpRelay.Hosting;

namespace TcpRelay.CommandLine;

/// <summary>
/// Chooses what to do from the first argument: a command (<c>run</c>, <c>check</c>, <c>doctor</c>,
/// <c>status</c>), <c>--version</c> or help, or else the socat-style form. Exit codes: 0 done,
/// 1 bad arguments or configuration or failed start; <c>doctor</c> and <c>status</c> document their own.
/// </summary>
internal static class CommandDispatcher
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            return args switch
            {
                [] => Fail(stderr, "no arguments", showUsage: true),
                ["run", .. var rest] => await RunServiceAsync(ServiceArguments.Parse("run", rest), stderr),
                ["check", .. var rest] => CheckCommand.Run(ServiceArguments.Parse("check", rest), stdout, stderr),
                ["doctor", .. var rest] => await DoctorCommand.RunAsync(rest, stdout, stderr, CancellationToken.None),
                ["status", .. var rest] => await StatusCommand.RunAsync(rest, stdout, stderr),
                ["--version" or "-V"] => Print(stdout, Usage.Version),
                ["-h" or "--help" or "help"] => Print(stdout, Usage.Text),
                _ => await RunSocatAsync(args, stdout),
            };
        }
        catch (CommandLineException e)
        {
            return Fail(stderr, e.Message, showUsage: false);
        }
    }

    private static async Task<int> RunServiceAsync(ServiceArguments arguments, TextWriter stderr)
    {
        string path = ConfigFileLocator.Resolve(arguments.ConfigPath);
        RelayConfig config;
        try
        {
            config = ConfigLoader.Load(path);
        }
        catch (ConfigException e)
        {
            ConfigErrorFormatter.WriteAll(stderr, e);
            return 1;
        }

        return await RelayHost.RunAsync(
            new RelayHostSettings(config, path, Verbosity.ToLogLevel(arguments.Verbosity), ConfigFile: path));
    }

    private static async Task<int> RunSocatAsync(string[] args, TextWriter stdout)
    {
        if (SocatCommandLine.Parse(args) is not { } invocation)
        {
            return Print(stdout, Usage.Text);
        }

        return await RelayHost.RunAsync(
            new RelayHostSettings(invocation.Config, "command line", Verbosity.ToLogLevel(invocation.Verbosity)));
    }

    private static int Print(TextWriter writer, string text)
    {
        writer.WriteLine(text);
        return 0;
    }

    private static int Fail(TextWriter stderr, string message, bool showUsage)
    {
        stderr.WriteLine($"tcprelay: {message}");
        stderr.WriteLine(showUsage ? Usage.Text : "tcprelay: try 'tcprelay --help'");
        return 1;
    }
}
