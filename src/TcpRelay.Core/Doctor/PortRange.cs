namespace TcpRelay.Doctor;

/// <summary>An inclusive range of TCP ports a rule matches.</summary>
internal readonly record struct PortRange(int Low, int High)
{
    public bool Contains(int port) => port >= Low && port <= High;

    public static PortRange Single(int port) => new(port, port);
}
