namespace TcpRelay.CommandLine;

/// <summary>Arguments that cannot be run; the message names what is wrong. Exits with status 1.</summary>
internal sealed class CommandLineException(string message) : Exception(message);
