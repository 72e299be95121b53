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
    private readonly HashSet<RelaySession> _live = [];
    private long _endedFromClient;
    private long _endedFromTarget;

    public void Track(RelaySession session)
    {
        lock (_gate)
        {
            _live.Add(session);
        }
    }

    public void Untrack(RelaySession session)
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
            foreach (RelaySession session in _live)
            {
                fromClient += session.BytesFromClient;
                fromTarget += session.BytesFromTarget;
            }

            return (fromClient, fromTarget);
        }
    }
}
