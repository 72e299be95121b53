using System.Globalization;
using System.Net;
using System.Net.Sockets;
using TcpRelay.Configuration;

namespace TcpRelay.Doctor;

/// <summary>
/// Is the route's listen endpoint free, and if not, who holds it? A tcprelay holding it is the
/// relay itself running, which is fine.
/// </summary>
internal static class ListenerCheck
{
    public const string Name = "listener";

    public static Finding Run(ListenConfig listen)
    {
        IPEndPoint endPoint = listen.EndPoint;
        string where = Format(endPoint);
        List<ListeningSocket> holders;
        try
        {
            holders = [.. SocketTable.ReadListening().Where(s => s.Blocks(endPoint))];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Finding.Warning(Name, $"cannot read /proc/net/tcp: {e.Message}");
        }

        if (holders.Count == 0)
        {
            return TryBind(listen, where);
        }

        string sockets = string.Join(", ", holders.Select(h => $"{Format(h.EndPoint)} (inode {h.Inode})"));
        List<SocketOwner> owners = [.. holders.SelectMany(h => SocketOwners.Find(h.Inode)).Distinct()];
        if (owners.Count == 0)
        {
            return Environment.UserName == "root"
                ? Finding.Failure(Name, $"{where} is held by a socket no process owns any more", sockets,
                    "wait for the kernel to release it, or pick another listen port")
                : Finding.Warning(Name, $"{where} is in use; its owner is visible only to root", sockets,
                    "run tcprelay doctor as root to see which process holds it");
        }

        string evidence = $"listening: {sockets}; held by "
            + string.Join(", ", owners.Select(o => $"pid {o.Pid}: {o.CommandLine}"));
        if (owners.All(o => o.IsTcpRelay))
        {
            return Finding.Ok(Name, $"{where} is held by tcprelay (pid {Pids(owners)}): the relay is running",
                evidence);
        }

        SocketOwner other = owners.First(o => !o.IsTcpRelay);
        return Finding.Failure(
            Name,
            $"{where} is held by {other.Name} (pid {other.Pid.ToString(CultureInfo.InvariantCulture)})",
            evidence,
            $"stop {other.Name} (kill {other.Pid.ToString(CultureInfo.InvariantCulture)}) "
                + "or give the route another listen port");
    }

    /// <summary>
    /// /proc shows nothing listening; a bind (never a listen) also catches an address that is not
    /// on this host and a privileged port without the capability.
    /// </summary>
    private static Finding TryBind(ListenConfig listen, string where)
    {
        using var socket = new Socket(listen.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(
                SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, listen.ReuseAddress);
            if (listen.EndPoint.AddressFamily == AddressFamily.InterNetworkV6)
            {
                socket.DualMode = !listen.IPv6Only;
            }

            socket.Bind(listen.EndPoint);
            return Finding.Ok(Name, $"{where} is free");
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode switch
            {
                SocketError.AddressNotAvailable => Finding.Failure(
                    Name, $"{listen.EndPoint.Address} is not an address of this host", e.Message,
                    "listen on an address shown by `ip -br addr`, or on 0.0.0.0"),
                SocketError.AccessDenied => Finding.Failure(
                    Name, $"port {listen.EndPoint.Port} needs privilege to bind", e.Message,
                    "run as root or grant CAP_NET_BIND_SERVICE (AmbientCapabilities= in the systemd unit)"),
                _ => Finding.Failure(Name, $"cannot bind {where}: {e.Message}", e.SocketErrorCode.ToString()),
            };
        }
    }

    private static string Pids(IEnumerable<SocketOwner> owners) =>
        string.Join(", ", owners.Select(o => o.Pid.ToString(CultureInfo.InvariantCulture)));

    internal static string Format(IPEndPoint endPoint) =>
        endPoint.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{endPoint.Address}]:{endPoint.Port.ToString(CultureInfo.InvariantCulture)}"
            : $"{endPoint.Address}:{endPoint.Port.ToString(CultureInfo.InvariantCulture)}";
}
