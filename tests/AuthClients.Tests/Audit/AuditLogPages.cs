using System.Globalization;
using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Hosting;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Audit;

/// <summary>One row of the Audit Log as a person reads it.</summary>
public sealed record AuditLogRow(string When, string Who, string From, string What, string Target, string Change, AngleSharp.Dom.IElement Element);

/// <summary>Opening the Audit Log, reading its rows and its CSV export, and writing audit records straight into the store.</summary>
public static class AuditLogPages
{
    public const string Page = Routes.AuditLog;
    public const string Export = Routes.AuditLog + "/export";
    public const string ViewAuditLog = "view-audit_log";

    public static async Task<IReadOnlyList<AuditLogRow>> ReadRowsAsync(this HttpClient browser, string url)
    {
        var document = await browser.GetDocumentAsync(url);
        return Rows(document);
    }

    public static IReadOnlyList<AuditLogRow> Rows(AngleSharp.Dom.IDocument document) =>
        document.QuerySelectorAll("table.audit-log tbody tr")
            .Where(tr => tr.QuerySelectorAll("td").Length == 6)
            .Select(tr =>
            {
                var cells = tr.QuerySelectorAll("td");
                return new AuditLogRow(cells[0].QuerySelector("time")!.GetAttribute("datetime")!, cells[1].Text(), cells[2].Text(), cells[3].Text(), cells[4].Text(), cells[5].Text(), tr);
            })
            .ToList();

    /// <summary>Adds the records as they are, in one save (their times as given).</summary>
    public static Task SeedAsync(this AuthClientsAppFactory app, IEnumerable<AuditRecord> records) =>
        app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            db.AuditRecords.AddRange(records);
            await db.SaveChangesAsync();
        });

    public static Task<List<AuditRecord>> RecordsAsync(this AuthClientsAppFactory app, Func<IQueryable<AuditRecord>, IQueryable<AuditRecord>> filter) =>
        app.WithServicesAsync(services => filter(services.GetRequiredService<AppDbContext>().AuditRecords.AsNoTracking()).OrderBy(r => r.Id).ToListAsync());

    public static AuditRecord Record(string action, string targetType, string targetId, DateTime at, string? actorId = null, string actorName = "someone", string? changes = null) => new()
    {
        OccurredAt = at,
        Action = action,
        TargetType = targetType,
        TargetId = targetId,
        ActorId = actorId,
        ActorName = actorName,
        IpAddress = "198.51.100.4",
        Changes = changes,
    };

    /// <summary>The export read back with a CSV parser: the header and each record's fields by column name.</summary>
    public static async Task<(string[] Header, List<Dictionary<string, string>> Rows)> ReadCsvAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture));
        await csv.ReadAsync();
        csv.ReadHeader();
        var header = csv.HeaderRecord!;
        var rows = new List<Dictionary<string, string>>();
        while (await csv.ReadAsync())
        {
            rows.Add(header.ToDictionary(h => h, h => csv.GetField(h)!));
        }

        return (header, rows);
    }
}
