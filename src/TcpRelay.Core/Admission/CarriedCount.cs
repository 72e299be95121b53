namespace TcpRelay.Admission;

/// <summary>
/// A connection's place in counts that a reload started after the connection was accepted: a
/// route maximum or a per-client maximum the route did not have before. Given back once, when
/// the connection ends.
/// </summary>
internal sealed class CarriedCount
{
    private readonly ConnectionCounter? _route;
    private readonly ClientState? _client;
    private int _released;

    public CarriedCount(ConnectionCounter? route, ClientState? client)
    {
        _route = route;
        _client = client;
    }

    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        if (_client is not null)
        {
            ClientTable.Release(_client);
        }

        _route?.Release();
    }
}
