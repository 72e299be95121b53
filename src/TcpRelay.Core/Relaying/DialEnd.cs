using TcpRelay.Targets;

namespace TcpRelay.Relaying;

/// <summary>How a connection whose dial failed ends, on either data path.</summary>
internal static class DialEnd
{
    public static EndReason Of(DialFailure failure) => failure switch
    {
        DialFailure.Refused => EndReason.TargetRefused,
        DialFailure.TimedOut => EndReason.ConnectTimeout,
        DialFailure.NoDescriptors => EndReason.NoResources,
        _ => EndReason.TargetUnavailable,
    };
}
