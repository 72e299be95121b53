using System.Net;

namespace TcpRelay.Admission;

/// <summary>A route's allow and deny lists, compiled once per configuration snapshot.</summary>
internal sealed class AddressRules
{
    private readonly NetworkSet _allow;
    private readonly NetworkSet _deny;

    public AddressRules(IEnumerable<IPNetwork> allow, IEnumerable<IPNetwork> deny)
    {
        _allow = new NetworkSet(allow);
        _deny = new NetworkSet(deny);
    }

    /// <summary>True when neither list restricts anything, so the check can be skipped.</summary>
    public bool IsOpen => _allow.IsEmpty && _deny.IsEmpty;

    /// <summary>
    /// <see cref="Refusal.None"/> when the client may connect. Deny wins over allow; an empty
    /// allow list admits everyone not denied.
    /// </summary>
    public Refusal Check(IPAddress client)
    {
        if (_deny.Contains(client))
        {
            return Refusal.DenyList;
        }

        return _allow.IsEmpty || _allow.Contains(client) ? Refusal.None : Refusal.NotAllowed;
    }
}
