using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using TcpRelay.Configuration;
using TcpRelay.Targets;
using TcpRelay.Targets.Namespaces;

namespace TcpRelay.Doctor;

/// <summary>One TCP connect and how it went; the connection is closed at once, no byte is sent.</summary>
// Outcome: "connected", "refused", "no answer within 1 s", or why the attempt could not be made.
// Attempted: false when no connect was made (for example the namespace could not be entered).
internal sealed record ConnectAttempt(bool Connected, bool Attempted, TimeSpan Elapsed, string Outcome)
{
    /// <summary>The outcome with its time, unless the time is the timeout itself.</summary>
    public string Result => TimedOut
        ? Outcome
        : $"{Outcome} in {Elapsed.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture)} ms";

    public bool TimedOut { get; init; }

    /// <summary>
    /// Connects from this process's namespace, or from a socket made inside <paramref name="netns"/>.
    /// </summary>
    public static async Task<ConnectAttempt> RunAsync(
        IPEndPoint remote, string? netns, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Socket socket;
        try
        {
            // The one component that switches namespaces makes the socket; the connect is ours.
            socket = netns is null
                ? new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
                : await NamespaceSockets.Shared.CreateSocketAsync(netns, remote.AddressFamily);
        }
        catch (Exception e) when (e is TargetDialException or SocketException)
        {
            return new ConnectAttempt(false, false, TimeSpan.Zero, e.Message);
        }

        var options = new ConnectionOptions { ConnectTimeout = timeout };
        long started = Stopwatch.GetTimestamp();
        try
        {
            using Socket connected = await TcpConnector.ConnectAsync(
                socket, remote, options, cancellationToken);
            return new ConnectAttempt(true, true, Stopwatch.GetElapsedTime(started), "connected");
        }
        catch (TargetDialException e)
        {
            string outcome = e.Failure switch
            {
                DialFailure.Refused => "refused",
                DialFailure.TimedOut => $"no answer within {timeout.TotalSeconds:0.#} s",
                _ => e.InnerException is SocketException s ? Describe(s) : e.Message,
            };
            return new ConnectAttempt(false, true, Stopwatch.GetElapsedTime(started), outcome)
            {
                TimedOut = e.Failure == DialFailure.TimedOut,
            };
        }
    }

    private static string Describe(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.HostUnreachable => "no route to host",
        SocketError.NetworkUnreachable => "network unreachable",
        SocketError.InvalidArgument => "invalid argument (a blackhole route?)",
        SocketError.AccessDenied => "permission denied (a prohibit route or a firewall)",
        _ => e.Message,
    };
}
