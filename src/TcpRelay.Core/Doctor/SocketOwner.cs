namespace TcpRelay.Doctor;

/// <summary>A process that holds a socket open.</summary>
// Name: The process's command name (/proc/PID/comm).
// CommandLine: Its arguments joined by spaces, for telling <c>dotnet tcprelay.dll</c> apart.
internal sealed record SocketOwner(int Pid, string Name, string CommandLine)
{
    /// <summary>A TcpRelay process: the apphost, or the dll run by the dotnet host.</summary>
    public bool IsTcpRelay =>
        Name == "tcprelay"
        || CommandLine.Split(' ').Take(2).Any(a => Path.GetFileName(a) is "tcprelay" or "tcprelay.dll");
}
