using TcpRelay.Configuration;

namespace TcpRelay.Serving;

/// <summary>Says in a few words what differs between two configurations of one route, for the reload log.</summary>
internal static class RouteDifference
{
    public static string Describe(RouteConfig current, RouteConfig next)
    {
        var parts = new List<string>();
        if (!ConfigEquality.AreEqual(current.Listen.EndPoint, next.Listen.EndPoint))
        {
            parts.Add($"listen {current.Listen.EndPoint} -> {next.Listen.EndPoint}");
        }
        else if (!ConfigEquality.AreEqual(current.Listen, next.Listen))
        {
            parts.Add("listen options");
        }

        if (!ConfigEquality.AreEqual(current.Target, next.Target))
        {
            string before = current.Target.Describe();
            string after = next.Target.Describe();
            parts.Add(before == after ? $"target {after} options" : $"target {before} -> {after}");
        }

        if (!ConfigEquality.AreEqual(current.Connection, next.Connection))
        {
            parts.Add("connection options");
        }

        if (!ConfigEquality.AreEqual(current.Admission, next.Admission))
        {
            parts.Add("admission");
        }

        RouteConfig known = current with
        {
            Listen = next.Listen, Target = next.Target, Connection = next.Connection, Admission = next.Admission,
        };
        if (!ConfigEquality.AreEqual(known, next))
        {
            parts.Add("other settings");
        }

        return string.Join(", ", parts);
    }
}
