namespace TcpRelay.Admission;

/// <summary>The words an operator reads for each refusal, in logs and summaries.</summary>
internal static class RefusalNames
{
    public const int Count = (int)Refusal.ProxyHeaderTimeout + 1;

    public static string Describe(Refusal refusal) => refusal switch
    {
        Refusal.NotAllowed => "not on allow list",
        Refusal.DenyList => "deny list",
        Refusal.RateLimit => "per-client rate",
        Refusal.ClientLimit => "per-client limit",
        Refusal.RouteLimit => "route limit",
        Refusal.GlobalLimit => "global limit",
        Refusal.ProxySourceNotAllowed => "PROXY source not allowed",
        Refusal.ProxyHeaderInvalid => "bad PROXY header",
        Refusal.ProxyHeaderTimeout => "PROXY header timeout",
        _ => "admitted",
    };
}
