using TcpRelay.Configuration;

namespace TcpRelay.CommandLine;

/// <summary>A parsed socat-style command line: one route, and how much to log.</summary>
/// <param name="Config">The configuration: a single route named <see cref="SocatCommandLine.RouteName"/>.</param>
/// <param name="Verbosity">How many times <c>-d</c> was given.</param>
internal sealed record SocatInvocation(RelayConfig Config, int Verbosity);
