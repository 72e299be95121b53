using System.Globalization;

namespace TcpRelay.Doctor;

/// <summary>
/// Finds which processes hold a socket, by its inode: every /proc/PID/fd entry of a socket reads
/// <c>socket:[INODE]</c>. Without root only the caller's own processes can be read.
/// </summary>
internal static class SocketOwners
{
    public static IReadOnlyList<SocketOwner> Find(long inode)
    {
        string wanted = $"socket:[{inode.ToString(CultureInfo.InvariantCulture)}]";
        var owners = new List<SocketOwner>();
        foreach (string processFolder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(processFolder), NumberStyles.None, CultureInfo.InvariantCulture,
                    out int pid))
            {
                continue;
            }

            if (HoldsSocket(processFolder, wanted))
            {
                owners.Add(new SocketOwner(pid, ReadComm(processFolder), ReadCommandLine(processFolder)));
            }
        }

        return owners;
    }

    private static bool HoldsSocket(string processFolder, string wanted)
    {
        try
        {
            foreach (string fd in Directory.EnumerateFileSystemEntries(Path.Combine(processFolder, "fd")))
            {
                if (new FileInfo(fd).LinkTarget == wanted)
                {
                    return true;
                }
            }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            // Another user's process (without root) or one that just exited.
        }

        return false;
    }

    private static string ReadComm(string processFolder)
    {
        try
        {
            return File.ReadAllText(Path.Combine(processFolder, "comm")).Trim();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return "?";
        }
    }

    private static string ReadCommandLine(string processFolder)
    {
        try
        {
            return File.ReadAllText(Path.Combine(processFolder, "cmdline")).TrimEnd('\0').Replace('\0', ' ');
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return "";
        }
    }
}
