using System.Text;
using TcpRelay.Serving;

namespace TcpRelay.Diagnostics;

/// <summary>
/// The <c>/healthz</c> answer: healthy when every route listens and its target is resolved;
/// one line per route, <c>NAME ok</c> or <c>NAME unhealthy: PROBLEM</c>.
/// </summary>
internal static class HealthReport
{
    public static (bool Healthy, string Body) Create(IReadOnlyList<RouteStatus> routes)
    {
        var body = new StringBuilder();
        bool healthy = true;
        foreach (RouteStatus route in routes.OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            if (route.Problem is null)
            {
                body.Append(route.Name).Append(" ok\n");
            }
            else
            {
                healthy = false;
                body.Append(route.Name).Append(" unhealthy: ").Append(route.Problem).Append('\n');
            }
        }

        return (healthy, body.ToString());
    }
}
