namespace TcpRelay;

/// <summary>Files of the repository the tests were built from (relay.json, deploy/).</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "TcpRelay.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("TcpRelay.sln not found above the test assembly");
    }
}
