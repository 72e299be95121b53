namespace TcpRelay.Configuration;

/// <summary>One problem found in a configuration, located by its JSON path.</summary>
/// <param name="Path">Where the problem is, for example <c>$.routes.erpnext.target.port</c>.</param>
/// <param name="Message">What is wrong, in words an operator can act on.</param>
public sealed record ConfigError(string Path, string Message)
{
    /// <summary>1-based line of a syntax error in the file. Null for errors found after parsing.</summary>
    public int? Line { get; init; }

    /// <summary>1-based column (byte in line) of a syntax error. Null for errors found after parsing.</summary>
    public int? Column { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Line is { } line
        ? $"line {line}, column {Column}: {Message}"
        : $"{Path}: {Message}";
}
