using System.Text.Json;

namespace TcpRelay.Configuration.Json;

/// <summary>Reads a route's per-connection options (timeouts, buffering, socket options).</summary>
internal static class ConnectionReader
{
    public static readonly string[] Known =
        ["connectTimeout", "idleTimeout", "halfCloseTimeout", "maxBufferedBytes", "dataPath", "noDelay", "keepAlive"];

    private static readonly string[] KnownKeepAlive = ["time", "interval", "count"];

    public static ConnectionOptions Read(JsonObjectReader r)
    {
        var defaults = new ConnectionOptions();
        return new ConnectionOptions
        {
            ConnectTimeout = r.Duration("connectTimeout") ?? defaults.ConnectTimeout,
            IdleTimeout = r.Duration("idleTimeout"),
            HalfCloseTimeout = r.Duration("halfCloseTimeout") ?? defaults.HalfCloseTimeout,
            MaxBufferedBytes = r.Int("maxBufferedBytes") ?? defaults.MaxBufferedBytes,
            DataPath = ReadDataPath(r) ?? defaults.DataPath,
            NoDelay = r.Bool("noDelay") ?? defaults.NoDelay,
            KeepAlive = ReadKeepAlive(r),
        };
    }

    private static DataPath? ReadDataPath(JsonObjectReader r)
    {
        string? path = r.String("dataPath");
        DataPath? parsed = path switch
        {
            null => null,
            "splice" => DataPath.Splice,
            "pipelines" => DataPath.Pipelines,
            _ => null,
        };
        if (path is not null && parsed is null)
        {
            r.Fail("dataPath", $"'dataPath' must be \"splice\" or \"pipelines\", found \"{path}\"");
        }

        return parsed;
    }

    /// <summary><c>false</c> (the kernel's default), <c>true</c> (our defaults) or an object.</summary>
    private static KeepAliveOptions? ReadKeepAlive(JsonObjectReader r)
    {
        if (!r.TryGet("keepAlive", out JsonElement value))
        {
            return null;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.False:
                return null;
            case JsonValueKind.True:
                return new KeepAliveOptions();
            case JsonValueKind.Object:
                JsonObjectReader k = r.Object("keepAlive", "keepAlive", KnownKeepAlive)!;
                var defaults = new KeepAliveOptions();
                return new KeepAliveOptions
                {
                    Time = k.Duration("time") ?? defaults.Time,
                    Interval = k.Duration("interval") ?? defaults.Interval,
                    Count = k.Int("count") ?? defaults.Count,
                };
            default:
                r.Fail("keepAlive", $"'keepAlive' must be true, false or {{ \"time\", \"interval\", \"count\" }}, "
                    + $"found {JsonKinds.Describe(value)}");
                return null;
        }
    }
}
