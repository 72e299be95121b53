using System.Globalization;

namespace TcpRelay.CommandLine;

/// <summary>What <c>tcprelay doctor</c> was asked to do (see <see cref="Synopsis"/>).</summary>
// Timeout: the limit for the engine and the local tools; null keeps the defaults.
internal sealed record DoctorArguments(
    string? ConfigPath, bool Json, TimeSpan? Timeout, IReadOnlyList<string> Routes)
{
    public const string Synopsis = "tcprelay doctor [--config PATH] [--json] [--timeout S] [ROUTE...]";

    public static DoctorArguments Parse(IReadOnlyList<string> args)
    {
        string? config = null;
        bool json = false;
        TimeSpan? timeout = null;
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
                config = Value(args, ref i);
            }
            else if (arg.StartsWith("--config=", StringComparison.Ordinal))
            {
                config = arg["--config=".Length..];
            }
            else if (arg == "--timeout")
            {
                timeout = Seconds(Value(args, ref i));
            }
            else if (arg.StartsWith('-'))
            {
                throw new CommandLineException($"unknown option '{arg}'; usage: {Synopsis}");
            }
            else
            {
                routes.Add(arg);
            }
        }

        return new DoctorArguments(config, json, timeout, routes);
    }

    private static string Value(IReadOnlyList<string> args, ref int i) =>
        i + 1 < args.Count ? args[++i] : throw new CommandLineException($"{args[i]} needs a value");

    private static TimeSpan Seconds(string text) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds)
            && seconds is > 0 and <= 600
            ? TimeSpan.FromSeconds(seconds)
            : throw new CommandLineException($"--timeout takes seconds between 0 and 600, not '{text}'");
}
