using TcpRelay.Configuration;

namespace TcpRelay.CommandLine;

/// <summary>
/// The per-connection options either address may set. tcprelay applies them to both sockets of
/// a relayed connection, so a <c>keepalive</c> on either address switches it on for both.
/// </summary>
internal sealed class SocatConnectionSettings
{
    public bool? KeepAlive { get; set; }

    public bool? NoDelay { get; set; }

    public TimeSpan? ConnectTimeout { get; set; }

    public TimeSpan? HalfCloseTimeout { get; set; }

    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>Applies an option both address kinds take; false when it is not one of them.</summary>
    public bool TryApply(SocatOption option)
    {
        switch (option.Name)
        {
            case "keepalive" or "so-keepalive":
                KeepAlive = SocatValues.Flag(option);
                return true;
            case "nodelay" or "tcp-nodelay":
                NoDelay = SocatValues.Flag(option);
                return true;
            default:
                return false;
        }
    }

    public ConnectionOptions Build()
    {
        var defaults = new ConnectionOptions();
        return defaults with
        {
            KeepAlive = KeepAlive == true ? new KeepAliveOptions() : null,
            NoDelay = NoDelay ?? defaults.NoDelay,
            ConnectTimeout = ConnectTimeout ?? defaults.ConnectTimeout,
            HalfCloseTimeout = HalfCloseTimeout ?? defaults.HalfCloseTimeout,
            IdleTimeout = IdleTimeout,
        };
    }
}
