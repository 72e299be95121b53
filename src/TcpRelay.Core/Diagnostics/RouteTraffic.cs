using TcpRelay.Relaying;

namespace TcpRelay.Diagnostics;

/// <summary>
/// The bytes one route has relayed: totals of ended sessions plus the live counters of running
/// ones. Ending a session moves its final counts into the totals under the same lock that an
/// observation takes, so an observed total never goes down.
/// </summary>
internal sealed class RouteTraffic
{
    private readonly Lock _gate = new();
    private readonly HashSet<RelayTraffic> _live = [];
    private long _endedFromClient;
    private long _endedFromTarget;

    public void Track(RelayTraffic session)
    {
        lock (_gate)
        {
            _live.Add(session);
        }
    }

    public void Untrack(RelayTraffic session)
    {
        lock (_gate)
        {
            if (_live.Remove(session))
            {
                _endedFromClient += session.BytesFromClient;
                _endedFromTarget += session.BytesFromTarget;
            }
        }
    }

    public (long FromClient, long FromTarget) Observe()
    {
        lock (_gate)
        {
            long fromClient = _endedFromClient;
            long fromTarget = _endedFromTarget;
            foreach (RelayTraffic session in _live)
            {
                fromClient += session.BytesFromClient;
                fromTarget += session.BytesFromTarget;
            }

            return (fromClient, fromTarget);
        }
    }
}
