namespace TcpRelay.Configuration;

/// <summary>PROXY protocol version.</summary>
public enum ProxyProtocolVersion
{
    /// <summary>No header.</summary>
    None,

    /// <summary>The human-readable form.</summary>
    V1,

    /// <summary>The binary form.</summary>
    V2,
}
