namespace TcpRelay.CommandLine;

/// <summary>The arguments of <c>run</c> and <c>check</c>: <c>[--config PATH] [-d...]</c>.</summary>
/// <param name="ConfigPath">The file given with <c>--config</c>, or null for the default places.</param>
/// <param name="Verbosity">How many times <c>-d</c> was given.</param>
internal sealed record ServiceArguments(string? ConfigPath, int Verbosity)
{
    public static ServiceArguments Parse(string command, IReadOnlyList<string> args)
    {
        string? path = null;
        int verbosity = 0;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "--config" or "-c")
            {
                path = ++i < args.Count ? args[i] : throw new CommandLineException($"{arg} needs a file path");
            }
            else if (arg.StartsWith("--config=", StringComparison.Ordinal))
            {
                path = arg["--config=".Length..];
            }
            else if (arg.Length >= 2 && arg[0] == '-' && arg.AsSpan(1).TrimStart('d').IsEmpty)
            {
                verbosity += arg.Length - 1;
            }
            else
            {
                throw new CommandLineException(
                    $"'{arg}' is not an option of '{command}' (options: --config PATH, -d)");
            }
        }

        return new ServiceArguments(path, verbosity);
    }
}
