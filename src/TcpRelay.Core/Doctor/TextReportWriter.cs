namespace TcpRelay.Doctor;

/// <summary>
/// The report for people: a heading per route, one line per finding, and under a finding that is
/// not ok what was seen and what to do. Colour only when writing to a terminal.
/// </summary>
internal static class TextReportWriter
{
    private const string Reset = "\e[0m";

    public static void Write(TextWriter writer, DoctorReport report, bool colour)
    {
        foreach (RouteDiagnosis route in report.Routes)
        {
            writer.WriteLine($"route {route.Route}: {route.Listen} -> {route.Target}");
            foreach (Finding finding in route.Findings)
            {
                string label = Label(finding.Status).PadRight(4);
                if (colour)
                {
                    label = Colour(finding.Status) + label + Reset;
                }

                writer.WriteLine($"  {label}  {finding.Check,-12} {finding.Summary}");
                if (finding.Status != FindingStatus.Ok)
                {
                    if (finding.Evidence is not null)
                    {
                        writer.WriteLine($"{"",21}seen: {finding.Evidence}");
                    }

                    if (finding.Fix is not null)
                    {
                        writer.WriteLine($"{"",21}fix:  {finding.Fix}");
                    }
                }
            }

            writer.WriteLine();
        }

        int failures = Count(report, FindingStatus.Failure);
        int warnings = Count(report, FindingStatus.Warning);
        writer.WriteLine(
            $"{report.Routes.Count} route(s): {failures} failure(s), {warnings} warning(s) "
            + $"in {report.Elapsed.TotalSeconds:0.00} s");
    }

    public static string Label(FindingStatus status) => status switch
    {
        FindingStatus.Ok => "ok",
        FindingStatus.Warning => "warn",
        _ => "FAIL",
    };

    private static string Colour(FindingStatus status) => status switch
    {
        FindingStatus.Ok => "\e[32m",
        FindingStatus.Warning => "\e[33m",
        _ => "\e[1;31m",
    };

    private static int Count(DoctorReport report, FindingStatus status) =>
        report.Routes.Sum(r => r.Findings.Count(f => f.Status == status));
}
