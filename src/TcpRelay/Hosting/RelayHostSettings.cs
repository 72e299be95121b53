using Microsoft.Extensions.Logging;
using TcpRelay.Configuration;

namespace TcpRelay.Hosting;

/// <summary>What the host runs: a validated configuration, where it came from, and how much to log.</summary>
/// <param name="Config">The configuration to serve.</param>
/// <param name="Origin">The file it was read from, or "command line".</param>
/// <param name="LogLevel">The minimum level logged.</param>
/// <param name="ConfigFile">The relay.json to reload on change and SIGHUP; null for the command-line form.</param>
internal sealed record RelayHostSettings(RelayConfig Config, string Origin, LogLevel LogLevel, string? ConfigFile = null);
