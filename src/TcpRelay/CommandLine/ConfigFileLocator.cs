namespace TcpRelay.CommandLine;

/// <summary>Finds relay.json: the path given, else <c>./relay.json</c>, else the system one.</summary>
internal static class ConfigFileLocator
{
    public const string SystemPath = "/etc/tcprelay/relay.json";

    public static string Resolve(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            return explicitPath;
        }

        string local = Path.Combine(Environment.CurrentDirectory, "relay.json");
        if (File.Exists(local))
        {
            return "relay.json";
        }

        return File.Exists(SystemPath)
            ? SystemPath
            : throw new CommandLineException(
                $"no configuration: neither ./relay.json nor {SystemPath} exists; give one with --config PATH");
    }
}
