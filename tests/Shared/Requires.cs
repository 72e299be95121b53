using System.Net;
using System.Net.Sockets;

namespace TcpRelay;

/// <summary>
/// Guards for tests that need more than loopback sockets. Outside CI they skip with a message
/// that says how to run them; in CI (CI=true) a missing capability fails the test instead,
/// because there those tests must run.
/// </summary>
internal static class Requires
{
    public static bool InCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Root (network namespaces, setns, iptables).</summary>
    public static void Root()
    {
        if (Environment.UserName != "root" && !IsEffectiveRoot())
        {
            Unavailable("needs root (network namespaces)", "run the README's test command as root");
        }
    }

    /// <summary>The Docker test bed started by tests/testbed/testbed.sh.</summary>
    public static string DockerTestbed()
    {
        string? socket = Environment.GetEnvironmentVariable("TCPRELAY_TESTBED_DOCKER_HOST");
        if (string.IsNullOrEmpty(socket))
        {
            Unavailable(
                "needs the Docker test bed",
                "run the README's test command as root; it starts dockerd in its own network namespace");
        }

        return socket!;
    }

    /// <summary>An IPv6 loopback address (::1) that sockets can bind.</summary>
    public static void IPv6Loopback()
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        }
        catch (SocketException)
        {
            Unavailable(
                "needs IPv6 on the loopback interface (::1)",
                "enable it: sysctl net.ipv6.conf.lo.disable_ipv6=0");
        }
    }

    public static void Unavailable(string what, string how)
    {
        string message = $"This test {what}; {how}.";
        if (InCi)
        {
            Assert.Fail("In CI every test must run. " + message);
        }

        Assert.Skip(message);
    }

    private static bool IsEffectiveRoot()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                {
                    string[] parts = line.Split('\t', StringSplitOptions.RemoveEmptyEntries);
                    return parts.Length > 2 && parts[2] == "0";
                }
            }
        }
        catch (IOException)
        {
        }

        return false;
    }
}
