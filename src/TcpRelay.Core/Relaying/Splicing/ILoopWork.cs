namespace TcpRelay.Relaying.Splicing;

/// <summary>Something a <see cref="SpliceLoop"/> runs on its own thread once it is handed over.</summary>
internal interface ILoopWork
{
    /// <summary>Runs on the loop thread, after the events of the current wait.</summary>
    void OnPosted();
}
