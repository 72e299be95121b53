namespace TcpRelay.Configuration;

/// <summary>The path a connection to a container takes.</summary>
public enum TargetVia
{
    /// <summary>Connect from the relay's namespace to the container's address on its network.</summary>
    Bridge,

    /// <summary>Create the socket inside the container's network namespace and connect there.</summary>
    Namespace,

    /// <summary>Bridge when the host has a route to the container's address, otherwise namespace.</summary>
    Auto,
}
