namespace TcpRelay.Hosting;

/// <summary>An empty directory for one test, removed afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("tcprelay-test-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
