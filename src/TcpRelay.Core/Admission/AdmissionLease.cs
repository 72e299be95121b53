namespace TcpRelay.Admission;

/// <summary>
/// The counts held by one admitted connection (route, global and per-client), given back by
/// <see cref="Dispose"/> when the connection ends. Releasing twice, or through a copy, is
/// harmless: only the first release of an admission counts. The default value holds nothing
/// (a route without limits).
/// </summary>
internal readonly struct AdmissionLease : IDisposable
{
    private readonly LeaseSlot? _slot;
    private readonly int _version;

    public AdmissionLease(LeaseSlot slot)
    {
        _slot = slot;
        _version = slot.Version;
    }

    /// <summary>The slot while this lease is live, so a later step can add the client's count.</summary>
    internal LeaseSlot? LiveSlot => _slot is not null && _slot.Version == _version ? _slot : null;

    public void Dispose() => _slot?.Release(_version);
}
