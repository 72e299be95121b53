using System.Net;
using System.Text.Json;

namespace TcpRelay.Configuration.Json;

/// <summary>Reads one route: its listen socket, target, connection options and admission rules.</summary>
internal static class RouteReader
{
    private static readonly string[] Known =
    [
        "listen", "backlog", "reuseAddress", "reusePort", "ipv6Only", "target",
        .. ConnectionReader.Known, .. AdmissionReader.Known,
    ];

    public static RouteConfig? Read(string name, JsonElement element, string path, ConfigErrorCollector errors)
    {
        JsonObjectReader? r = JsonObjectReader.Open(element, path, errors, $"route '{name}'", Known);
        if (r is null)
        {
            return null;
        }

        r.Require("listen");
        r.Require("target");
        return new RouteConfig
        {
            Name = name,
            Listen = ReadListen(r),
            Target = r.TryGet("target", out JsonElement target)
                ? TargetReader.Read(target, r.PathOf("target"), errors)
                : TargetReader.Placeholder,
            Connection = ConnectionReader.Read(r),
            Admission = AdmissionReader.Read(r),
        };
    }

    private static ListenConfig ReadListen(JsonObjectReader r)
    {
        var endPoint = new IPEndPoint(IPAddress.Any, 0); // placeholder: the error is already recorded
        if (r.String("listen") is { } listen
            && !EndPointSyntax.TryParseListen(listen, out endPoint, out string error))
        {
            r.Fail("listen", error);
        }

        var defaults = new ListenConfig { EndPoint = endPoint };
        return defaults with
        {
            Backlog = r.Int("backlog") ?? defaults.Backlog,
            ReuseAddress = r.Bool("reuseAddress") ?? defaults.ReuseAddress,
            ReusePort = r.Bool("reusePort") ?? defaults.ReusePort,
            IPv6Only = r.Bool("ipv6Only") ?? defaults.IPv6Only,
        };
    }
}
