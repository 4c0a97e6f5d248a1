using System.Data.Common;
using System.Globalization;
using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
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

    [Fact]
    public async Task Export_ReadsTheDatabaseAsItWrites_NotEveryRowBeforeTheFirst()
    {
        // A retrying execution strategy makes EF Core read a whole result into memory before handing
        // out its first row. Seen from the database: fewer than all rows have been read when the
        // first rows of the download have arrived.
        const int count = 20_000;
        var readers = new RowsReadCounter();
        await using var own = new AuthClientsAppFactory
        {
            TestServices = services =>
            {
                services.ConfigureDbContext<SqliteAppDbContext>(o => o.AddInterceptors(readers));
                services.ConfigureDbContext<PostgreSqlAppDbContext>(o => o.AddInterceptors(readers));
            },
        };
        var tag = $"csv-{Guid.NewGuid():N}";
        await own.SeedAsync(Enumerable.Range(0, count).Select(i => Record("auth-client.updated", "auth-client", tag, Day.AddSeconds(i))));
        var admin = await own.SignedInAsAdminAsync();

        using var response = await admin.GetAsync($"{Export}?targetType=auth-client&target={tag}", HttpCompletionOption.ResponseHeadersRead);
        using var body = new StreamReader(await response.Content.ReadAsStreamAsync());
        for (var line = 0; line < 1_000; line++)
        {
            Assert.NotNull(await body.ReadLineAsync());
        }

        Assert.True(readers.RowsRead < count, $"{readers.RowsRead} rows were read from the database before the first 1,000 lines of the download arrived.");
        var rest = 0;
        while (await body.ReadLineAsync() is not null)
        {
            rest++;
        }

        Assert.Equal(count + 1, 1_000 + rest); // the header and every record
        Assert.True(readers.RowsRead >= count, "The count saw fewer rows than the export wrote: it would not notice them all read first.");
    }

    /// <summary>Counts every row the Audit Log's queries read from the database (EF Core's buffer reads through it too).</summary>
    private sealed class RowsReadCounter : DbCommandInterceptor
    {
        private int _rowsRead;

        public int RowsRead => Volatile.Read(ref _rowsRead);

        public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<DbDataReader>(IsAuditQuery(command) ? new CountingReader(result, this) : result);

        // Queries only: the seed's inserts read back their new ids through a reader as well.
        private static bool IsAuditQuery(DbCommand command) =>
            command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase)
            && command.CommandText.Contains("AuditRecords", StringComparison.Ordinal);

        private sealed class CountingReader(DbDataReader reader, RowsReadCounter counter) : DelegatingDataReader(reader)
        {
            public override bool Read() => Counted(Inner.Read());

            public override async Task<bool> ReadAsync(CancellationToken cancellationToken) => Counted(await Inner.ReadAsync(cancellationToken));

            private bool Counted(bool read)
            {
                if (read)
                {
                    Interlocked.Increment(ref counter._rowsRead);
                }

                return read;
            }
        }
    }
}
