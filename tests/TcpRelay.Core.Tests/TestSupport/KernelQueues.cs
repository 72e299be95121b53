using System.Globalization;
using System.Net;

namespace TcpRelay.TestSupport;

/// <summary>
/// Bytes the kernel holds for one IPv4 TCP socket of this process's network namespace, from
/// /proc/net/tcp: tx_queue (written by the application, not yet acknowledged by the peer) and
/// rx_queue (received, not yet read by the application). Lets a test tell what sits in kernel
/// buffers from what sits in the relay's own memory.
/// </summary>
internal static class KernelQueues
{
    public static (long Send, long Receive) Of(IPEndPoint local, IPEndPoint remote)
    {
        foreach (string line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (Port(fields[1]) == local.Port && Port(fields[2]) == remote.Port)
            {
                string[] queues = fields[4].Split(':');
                return (Hex(queues[0]), Hex(queues[1]));
            }
        }

        throw new InvalidOperationException($"no socket {local} -> {remote} in /proc/net/tcp");
    }

    private static int Port(string address) =>
        (int)Hex(address[(address.IndexOf(':', StringComparison.Ordinal) + 1)..]);

    private static long Hex(string text) => long.Parse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
