using TcpRelay.Configuration;

namespace TcpRelay.CommandLine;

/// <summary><c>tcprelay check</c>: validates relay.json as <c>nginx -t</c> does its file.</summary>
internal static class CheckCommand
{
    public static int Run(ServiceArguments arguments, TextWriter stdout, TextWriter stderr)
    {
        string path = ConfigFileLocator.Resolve(arguments.ConfigPath);
        try
        {
            RelayConfig config = ConfigLoader.Load(path);
            int count = config.Routes.Count;
            stdout.WriteLine($"configuration OK: {count} route{(count == 1 ? "" : "s")} in {path}");
            return 0;
        }
        catch (ConfigException e)
        {
            ConfigErrorFormatter.WriteAll(stderr, e);
            return 1;
        }
    }
}
