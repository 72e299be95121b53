using System.Globalization;
using System.Net;

namespace TcpRelay.Doctor;

/// <summary>
/// Reads the listening TCP sockets of the calling thread's network namespace from
/// /proc/net/tcp and /proc/net/tcp6 (the same table <c>ss -ltn</c> reads).
/// </summary>
internal static class SocketTable
{
    private const string ListenState = "0A";

    public static IReadOnlyList<ListeningSocket> ReadListening()
    {
        var sockets = new List<ListeningSocket>();
        foreach (string file in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (File.Exists(file))
            {
                sockets.AddRange(ParseListening(File.ReadAllText(file)));
            }
        }

        return sockets;
    }

    /// <summary>Parses the text of /proc/net/tcp or tcp6, keeping the LISTEN rows.</summary>
    public static IEnumerable<ListeningSocket> ParseListening(string text)
    {
        foreach (string line in text.Split('\n').Skip(1))
        {
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 10 || fields[3] != ListenState)
            {
                continue;
            }

            if (TryParseEndPoint(fields[1], out IPEndPoint? endPoint)
                && long.TryParse(fields[9], NumberStyles.None, CultureInfo.InvariantCulture, out long inode))
            {
                yield return new ListeningSocket(endPoint, inode);
            }
        }
    }

    /// <summary>
    /// The kernel prints the address as 32-bit words in host byte order, each as 8 hex digits,
    /// and the port in network order as 4 hex digits.
    /// </summary>
    private static bool TryParseEndPoint(string text, out IPEndPoint endPoint)
    {
        endPoint = null!;
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || (colon != 8 && colon != 32)
            || !int.TryParse(
                text.AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int port))
        {
            return false;
        }

        byte[] bytes = Convert.FromHexString(text.AsSpan(0, colon));
        if (BitConverter.IsLittleEndian)
        {
            for (int word = 0; word < bytes.Length; word += 4)
            {
                Array.Reverse(bytes, word, 4);
            }
        }

        endPoint = new IPEndPoint(new IPAddress(bytes), port);
        return true;
    }
}
