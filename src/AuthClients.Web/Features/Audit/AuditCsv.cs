using System.Globalization;
using System.Text;
using AuthClients.Web.Data.Entities;

namespace AuthClients.Web.Features.Audit;

/// <summary>
/// The Audit Log's CSV export, one record a line: RFC 4180 (every field quoted when it holds a
/// comma, quote or line break, quotes doubled, CRLF between records) and safe to open in a
/// spreadsheet: a field that a spreadsheet would run as a formula gets a leading apostrophe.
/// </summary>
public static class AuditCsv
{
    public static readonly string[] Header =
        ["occurred_at_utc", "actor_id", "actor_name", "ip_address", "action", "event", "target_type", "target_id", "changes"];

    /// <summary>audit-log-2026-11-30.csv: the day of the export.</summary>
    public static string FileName(DateTimeOffset now) => $"audit-log-{now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.csv";

    public static string[] Fields(AuditRecord r) =>
    [
        r.OccurredAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        r.ActorId ?? "",
        r.ActorName,
        r.IpAddress ?? "",
        r.Action,
        AuditCatalogue.TextOf(r.Action),
        r.TargetType,
        r.TargetId,
        r.Changes ?? "",
    ];

    /// <summary>Appends one record (its fields guarded and quoted) and the CRLF that ends it.</summary>
    public static void AppendLine(StringBuilder line, IReadOnlyList<string> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                line.Append(',');
            }

            AppendField(line, fields[i]);
        }

        line.Append("\r\n");
    }

    private static void AppendField(StringBuilder line, string value)
    {
        // Spreadsheets run a cell starting with these as a formula (CSV injection).
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            line.Append(value);
            return;
        }

        line.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
