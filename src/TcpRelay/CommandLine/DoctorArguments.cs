namespace TcpRelay.CommandLine;

/// <summary>What <c>tcprelay doctor [--config PATH] [--json] [ROUTE...]</c> was asked to do.</summary>
internal sealed record DoctorArguments(string? ConfigPath, bool Json, IReadOnlyList<string> Routes)
{
    public static DoctorArguments Parse(IReadOnlyList<string> args)
    {
        string? config = null;
        bool json = false;
        var routes = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg == "--json")
            {
                json = true;
            }
            else if (arg is "--config" or "-c")
            {
                config = i + 1 < args.Count ? args[++i] : throw new CommandLineException($"{arg} needs a path");
            }
            else if (arg.StartsWith("--config=", StringComparison.Ordinal))
            {
                config = arg["--config=".Length..];
            }
            else if (arg.StartsWith('-'))
            {
                throw new CommandLineException(
                    $"unknown option '{arg}'; usage: tcprelay doctor [--config PATH] [--json] [ROUTE...]");
            }
            else
            {
                routes.Add(arg);
            }
        }

        return new DoctorArguments(config, json, routes);
    }
}
