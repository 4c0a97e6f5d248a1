using System.Globalization;
using System.Net;
using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.Audit.AuditLogPages;

namespace AuthClients.Tests.Audit;

/// <summary>
/// Export CSV: the filtered events, read back by a CSV parser exactly as stored (quotes, commas and
/// line breaks intact), with a spreadsheet formula defused, as a dated UTF-8 download that is
/// streamed (no length known up front) however many events there are.
/// </summary>
public sealed class AuditLogExportTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private static readonly DateTime Day = new(2025, 3, 4, 5, 6, 7, DateTimeKind.Utc);

    [Fact]
    public async Task Export_OfTheFilteredEvents_ReadsBackWithAParser_AndDefusesFormulas()
    {
        var tag = $"csv-{Guid.NewGuid():N}";
        const string tricky = "Ann \"the admin\", Smith\r\nsecond line";
        const string changes = "{\"name\":{\"from\":\"a,b\",\"to\":\"c \\\"d\\\"\"}}";
        await app.SeedAsync([
            Record("auth-client.updated", "auth-client", tag, Day, "actor-1", tricky, changes),
            Record("auth-client.created", "auth-client", tag, Day.AddMinutes(-1), "actor-2", "=HYPERLINK(\"http://evil.example\")"),
            Record("group.created", "group", tag, Day), // another kind of target: filtered out
        ]);
        var admin = await app.SignedInAsAdminAsync();
        var page = await admin.GetDocumentAsync($"{Page}?targetType=auth-client&target={tag}");
        var exportLink = page.QuerySelectorAll("a").Single(a => a.Text() == "Export CSV").GetAttribute("href")!;

        var response = await admin.GetAsync(exportLink);

        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType.CharSet);
        Assert.Equal($"audit-log-{DateTime.UtcNow:yyyy-MM-dd}.csv", response.Content.Headers.ContentDisposition!.FileName?.Trim('"'));
        var (header, rows) = await ReadCsvAsync(response);
        Assert.Equal(["occurred_at_utc", "actor_id", "actor_name", "ip_address", "action", "event", "target_type", "target_id", "changes"], header);
        Assert.Equal(2, rows.Count);
        Assert.Equal(("2025-03-04T05:06:07.000Z", tricky, changes, "Client updated"), (rows[0]["occurred_at_utc"], rows[0]["actor_name"], rows[0]["changes"], rows[0]["event"]));
        Assert.Equal("'=HYPERLINK(\"http://evil.example\")", rows[1]["actor_name"]);
        Assert.All(rows, r => Assert.Equal(tag, r["target_id"]));
    }

    [Fact]
    public async Task Export_OfManyEvents_IsStreamed_AndComplete()
    {
        const int count = 20_000;
        var tag = $"csv-{Guid.NewGuid():N}";
        await app.SeedAsync(Enumerable.Range(0, count).Select(i => Record("auth-client.updated", "auth-client", tag, Day.AddSeconds(i))));
        var admin = await app.SignedInAsAdminAsync();

        using var response = await admin.GetAsync($"{Export}?targetType=auth-client&target={tag}&dir=asc", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Content.Headers.ContentLength); // written as rows arrive, not buffered to a known length
        var (_, rows) = await ReadCsvAsync(response);
        Assert.Equal(count, rows.Count);
        Assert.Equal("2025-03-04T05:06:07.000Z", rows[0]["occurred_at_utc"]);
        Assert.Equal(Day.AddSeconds(count - 1).ToString("yyyy-MM-dd'T'HH:mm:ss'.000Z'", CultureInfo.InvariantCulture), rows[^1]["occurred_at_utc"]);
    }
}
