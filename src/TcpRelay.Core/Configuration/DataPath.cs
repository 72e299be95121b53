namespace TcpRelay.Configuration;

/// <summary>How a route moves bytes between its two sockets.</summary>
public enum DataPath
{
    /// <summary>
    /// splice(2) through kernel pipes on the relay's event loops: bytes never enter the process,
    /// and a direction holds at most a pipe's worth (64 KiB) or <c>maxBufferedBytes</c>, whichever
    /// is less. Falls back to <see cref="Pipelines"/> where the kernel offers no splice.
    /// </summary>
    Splice,

    /// <summary>System.IO.Pipelines: bytes are received into the process and sent on, up to <c>maxBufferedBytes</c> per direction.</summary>
    Pipelines,
}
