using Microsoft.Extensions.Logging;

namespace TcpRelay.Docker;

/// <summary>Log events of the Docker view and the container dialers (ids 3000-3099).</summary>
internal static partial class DockerLog
{
    [LoggerMessage(3000, LogLevel.Information,
        "Connected to the Docker engine at {Endpoint} (engine {EngineVersion}, API {ApiVersion}); "
        + "{Count} containers inspected")]
    public static partial void EngineConnected(
        ILogger logger, Uri endpoint, string engineVersion, Version apiVersion, int count);

    [LoggerMessage(3001, LogLevel.Information,
        "Reconnected to the Docker engine at {Endpoint} (engine {EngineVersion}, API {ApiVersion}); "
        + "re-inspected {Count} containers so nothing missed meanwhile stays stale")]
    public static partial void EngineReconnected(
        ILogger logger, Uri endpoint, string engineVersion, Version apiVersion, int count);

    [LoggerMessage(3002, LogLevel.Warning,
        "The Docker engine at {Endpoint} is unreachable ({Reason}); container routes {WhatHappens}; "
        + "retrying in {Delay}")]
    public static partial void EngineUnreachable(
        ILogger logger, Uri endpoint, string reason, string whatHappens, TimeSpan delay);

    [LoggerMessage(3003, LogLevel.Warning,
        "Lost the Docker engine at {Endpoint} ({Reason}); container routes keep the last known addresses; "
        + "reconnecting in {Delay}")]
    public static partial void EngineLost(ILogger logger, Uri endpoint, string reason, TimeSpan delay);

    [LoggerMessage(3004, LogLevel.Error,
        "The Docker engine at {Endpoint} cannot be used: {Problem}; retrying in {Delay}")]
    public static partial void EngineIncompatible(ILogger logger, Uri endpoint, string problem, TimeSpan delay);

    [LoggerMessage(3010, LogLevel.Information, "{Container}: {Previous} -> {Current} (network {Network})")]
    public static partial void AddressChanged(
        ILogger logger, string container, string previous, string current, string network);

    [LoggerMessage(3011, LogLevel.Information,
        "{Container}: running as {Id} (pid {Pid}{Health}), addresses {Addresses}")]
    public static partial void ContainerRunning(
        ILogger logger, string container, string id, int pid, string health, string addresses);

    [LoggerMessage(3012, LogLevel.Information,
        "{Container}: {Status}; new connections wait up to their route's hold time for it to be usable")]
    public static partial void ContainerUnusable(ILogger logger, string container, string status);

    [LoggerMessage(3013, LogLevel.Information,
        "{Container}: no such container (removed or renamed); new connections wait up to their route's "
        + "hold time for one to appear")]
    public static partial void ContainerMissing(ILogger logger, string container);

    [LoggerMessage(3020, LogLevel.Debug,
        "Route {Route}: {Container} is not usable ({Reason}); holding the connection up to {Remaining}")]
    public static partial void Holding(
        ILogger logger, string route, string container, string reason, TimeSpan remaining);

    [LoggerMessage(3021, LogLevel.Debug,
        "Route {Route}: connecting failed ({Reason}) while {Container} changed or started; trying again")]
    public static partial void RetryAfterChange(ILogger logger, string route, string reason, string container);

    [LoggerMessage(3022, LogLevel.Information, "Route {Route}: reaching {Container} via {Via} ({Reason})")]
    public static partial void ViaChosen(
        ILogger logger, string route, string container, string via, string reason);
}
