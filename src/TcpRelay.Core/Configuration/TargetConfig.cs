namespace TcpRelay.Configuration;

/// <summary>
/// Where a route dials. Each kind is a sealed record deriving from this one; a dialer factory
/// in <c>TcpRelay.Targets</c> turns it into something that connects.
/// </summary>
public abstract record TargetConfig
{
    /// <summary>The port dialled at the target.</summary>
    public required int Port { get; init; }

    /// <summary>A short human description for logs: <c>198.18.5.2:8080</c>, <c>container web:8080</c>.</summary>
    public abstract string Describe();
}
