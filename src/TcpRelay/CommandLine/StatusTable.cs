using System.Globalization;
using System.Text;
using TcpRelay.Hosting;

namespace TcpRelay.CommandLine;

/// <summary>Renders a status report as aligned columns, routes first, then live connections.</summary>
internal static class StatusTable
{
    public static string Render(StatusReport report)
    {
        var text = new StringBuilder();
        AppendTable(
            text,
            ["ROUTE", "LISTEN", "TARGET", "STATE", "ACTIVE", "TOTAL"],
            report.Routes.Select(r => new[]
            {
                r.Name, r.Listen ?? "-", r.Target, r.Problem is null ? "ok" : $"unhealthy: {r.Problem}",
                Number(r.Active), Number(r.Total),
            }));
        text.Append('\n');
        if (report.Connections.Count == 0)
        {
            text.Append("no live connections\n");
            return text.ToString();
        }

        AppendTable(
            text,
            ["ROUTE", "CLIENT", "TARGET", "AGE", "FROM CLIENT", "FROM TARGET"],
            report.Connections.Select(c => new[]
            {
                c.Route, c.Client, c.Target, Age(c.AgeSeconds), Number(c.BytesFromClient), Number(c.BytesFromTarget),
            }));
        return text.ToString();
    }

    private static void AppendTable(StringBuilder text, string[] header, IEnumerable<string[]> rows)
    {
        List<string[]> all = [header, .. rows];
        int[] widths = [.. Enumerable.Range(0, header.Length).Select(i => all.Max(row => row[i].Length))];
        foreach (string[] row in all)
        {
            for (int i = 0; i < row.Length; i++)
            {
                // The last column is not padded, so lines carry no trailing spaces.
                text.Append(i == row.Length - 1 ? row[i] : row[i].PadRight(widths[i] + 2));
            }

            text.Append('\n');
        }
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Age(double seconds)
    {
        var age = TimeSpan.FromSeconds(seconds);
        return age.TotalHours >= 1
            ? $"{(int)age.TotalHours}h{age.Minutes:00}m"
            : age.TotalMinutes >= 1 ? $"{age.Minutes}m{age.Seconds:00}s" : $"{age.Seconds}s";
    }
}
