namespace TcpRelay.Configuration;

/// <summary>Where the status socket lives when relay.json does not say.</summary>
internal static class StatusSocketPath
{
    /// <summary>
    /// <c>/run/tcprelay/status.sock</c> for root (the systemd service), otherwise under
    /// <c>$XDG_RUNTIME_DIR</c>; null when neither applies, which switches the socket off.
    /// </summary>
    public static string? Default()
    {
        if (Environment.UserName == "root")
        {
            return "/run/tcprelay/status.sock";
        }

        string? runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        return string.IsNullOrEmpty(runtime) ? null : System.IO.Path.Combine(runtime, "tcprelay", "status.sock");
    }
}
