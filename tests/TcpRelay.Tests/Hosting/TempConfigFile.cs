namespace TcpRelay.Hosting;

/// <summary>A relay.json written to a temporary file for one test, deleted afterwards.</summary>
internal sealed class TempConfigFile : IDisposable
{
    public TempConfigFile(string json)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"tcprelay-test-{Guid.NewGuid():N}.json");
        File.WriteAllText(Path, json);
    }

    public string Path { get; }

    /// <summary>One loopback route; no status socket, so that tests never share one.</summary>
    public static TempConfigFile LoopbackRoute(int listenPort, int targetPort, string drainTimeout = "30s") =>
        new($$"""
        {
          "routes": {
            "test": { "listen": "127.0.0.1:{{listenPort}}", "target": { "address": "127.0.0.1:{{targetPort}}" } }
          },
          "statusSocket": null,
          "drainTimeout": "{{drainTimeout}}"
        }
        """);

    public void Dispose() => File.Delete(Path);
}
