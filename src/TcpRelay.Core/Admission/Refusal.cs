namespace TcpRelay.Admission;

/// <summary>Why a connection was not admitted; <see cref="None"/> means it was.</summary>
internal enum Refusal
{
    None,
    NotAllowed,
    DenyList,
    RateLimit,
    ClientLimit,
    RouteLimit,
    GlobalLimit,
    ProxySourceNotAllowed,
    ProxyHeaderInvalid,
    ProxyHeaderTimeout,
}
