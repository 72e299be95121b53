namespace TcpRelay.Serving;

/// <summary>One or more routes could not start; nothing was left listening.</summary>
public sealed class RelayStartException : Exception
{
    /// <summary>Creates the exception from one line per failed route.</summary>
    public RelayStartException(IReadOnlyList<string> failures)
        : base(string.Join(Environment.NewLine, failures))
    {
        Failures = failures;
    }

    /// <summary>One line per route that failed: what and why.</summary>
    public IReadOnlyList<string> Failures { get; }
}
