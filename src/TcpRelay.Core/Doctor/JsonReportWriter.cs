using System.Text.Encodings.Web;
using System.Text.Json;

namespace TcpRelay.Doctor;

/// <summary>
/// The report for machines. Property names are part of the command's interface: add, never
/// rename. Status words: ok, warning, failure.
/// </summary>
internal static class JsonReportWriter
{
    public static void Write(Stream stream, DoctorReport report)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            Indented = true,
            // Read by people in terminals and by jq; never embedded in HTML.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        json.WriteStartObject();
        json.WriteString("status", Word(report.Status));
        json.WriteNumber("exitCode", report.ExitCode);
        json.WriteNumber("elapsedMs", Math.Round(report.Elapsed.TotalMilliseconds, 1));
        json.WriteStartArray("routes");
        foreach (RouteDiagnosis route in report.Routes)
        {
            json.WriteStartObject();
            json.WriteString("route", route.Route);
            json.WriteString("listen", route.Listen);
            json.WriteString("target", route.Target);
            json.WriteString("status", Word(route.Status));
            json.WriteStartArray("findings");
            foreach (Finding finding in route.Findings)
            {
                json.WriteStartObject();
                json.WriteString("check", finding.Check);
                json.WriteString("status", Word(finding.Status));
                json.WriteString("summary", finding.Summary);
                json.WriteString("evidence", finding.Evidence);
                json.WriteString("fix", finding.Fix);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static string Word(FindingStatus status) => status switch
    {
        FindingStatus.Ok => "ok",
        FindingStatus.Warning => "warning",
        _ => "failure",
    };
}
