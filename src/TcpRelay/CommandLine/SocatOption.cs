namespace TcpRelay.CommandLine;

/// <summary>One address option as written: <c>fork</c>, <c>backlog=128</c>.</summary>
/// <param name="Name">The option name, lower case.</param>
/// <param name="Value">The text after <c>=</c>, or null for a bare flag.</param>
internal sealed record SocatOption(string Name, string? Value)
{
    public override string ToString() => Value is null ? Name : $"{Name}={Value}";
}
