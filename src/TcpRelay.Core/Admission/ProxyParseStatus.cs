namespace TcpRelay.Admission;

/// <summary>What a PROXY header parser made of the bytes it was given.</summary>
internal enum ProxyParseStatus
{
    /// <summary>A valid header so far, but not all of it yet.</summary>
    Incomplete,

    /// <summary>A complete, valid header.</summary>
    Complete,

    /// <summary>Not a valid header, whatever bytes follow.</summary>
    Invalid,
}
