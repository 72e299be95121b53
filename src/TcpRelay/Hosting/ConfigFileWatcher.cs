using Microsoft.Extensions.Logging;

namespace TcpRelay.Hosting;

/// <summary>
/// Calls back once a burst of changes to one file has settled. It watches the file's folder,
/// not the file: editors and configuration tools replace a file by writing a new one and
/// renaming it over the old, which a watch on the old file would not see.
/// </summary>
internal sealed class ConfigFileWatcher : IDisposable
{
    private readonly string _fileName;
    private readonly FileSystemWatcher _watcher;
    private readonly ITimer _debounce;
    private readonly TimeSpan _quiet;

    public ConfigFileWatcher(string path, TimeSpan quiet, Action changed, ILogger logger, TimeProvider time)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? "/";
        _fileName = Path.GetFileName(full);
        _quiet = quiet;
        _debounce = time.CreateTimer(_ => changed(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        // No name filter: a rename onto the file must match by its new name, which is checked below.
        _watcher = new FileSystemWatcher(folder)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size
                | NotifyFilters.CreationTime,
            IncludeSubdirectories = false,
        };
        _watcher.Changed += OnEvent;
        _watcher.Created += OnEvent;
        _watcher.Deleted += OnEvent;
        _watcher.Renamed += OnEvent;
        _watcher.Error += (_, e) => ReloadLog.WatchFailed(logger, folder, e.GetException());
        _watcher.EnableRaisingEvents = true;
    }

    public void Dispose()
    {
        _watcher.Dispose();
        _debounce.Dispose();
    }

    private void OnEvent(object sender, FileSystemEventArgs e)
    {
        bool ours = e.Name == _fileName || (e is RenamedEventArgs renamed && renamed.OldName == _fileName);
        if (ours)
        {
            _debounce.Change(_quiet, Timeout.InfiniteTimeSpan);
        }
    }
}
