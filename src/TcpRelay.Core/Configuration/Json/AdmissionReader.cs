namespace TcpRelay.Configuration.Json;

/// <summary>Reads a route's admission rules: client networks, limits, PROXY protocol.</summary>
internal static class AdmissionReader
{
    public static readonly string[] Known =
    [
        "allow", "deny", "maxConnections", "maxConnectionsPerClient", "newConnectionsPerSecondPerClient",
        "sendProxy", "acceptProxy",
    ];

    private static readonly string[] KnownAcceptProxy = ["from", "timeout"];

    public static AdmissionConfig Read(JsonObjectReader r)
    {
        var defaults = new AdmissionConfig();
        return new AdmissionConfig
        {
            Allow = r.Networks("allow") ?? defaults.Allow,
            Deny = r.Networks("deny") ?? defaults.Deny,
            MaxConnections = r.Int("maxConnections"),
            MaxConnectionsPerClient = r.Int("maxConnectionsPerClient"),
            NewConnectionsPerSecondPerClient = r.Number("newConnectionsPerSecondPerClient"),
            SendProxy = ReadSendProxy(r),
            AcceptProxy = ReadAcceptProxy(r),
        };
    }

    private static ProxyProtocolVersion ReadSendProxy(JsonObjectReader r) => r.String("sendProxy") switch
    {
        null => ProxyProtocolVersion.None,
        "v1" => ProxyProtocolVersion.V1,
        "v2" => ProxyProtocolVersion.V2,
        { } other => Fail(r, other),
    };

    private static ProxyProtocolVersion Fail(JsonObjectReader r, string value)
    {
        r.Fail("sendProxy", $"'sendProxy' must be \"v1\", \"v2\" or null, found \"{value}\"");
        return ProxyProtocolVersion.None;
    }

    private static AcceptProxyConfig? ReadAcceptProxy(JsonObjectReader r)
    {
        JsonObjectReader? a = r.Object("acceptProxy", "acceptProxy", KnownAcceptProxy);
        if (a is null)
        {
            return null;
        }

        a.Require("from");
        var defaults = new AcceptProxyConfig { From = [] };
        return defaults with
        {
            From = a.Networks("from") ?? defaults.From,
            Timeout = a.Duration("timeout") ?? defaults.Timeout,
        };
    }
}
