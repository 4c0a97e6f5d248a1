using System.Globalization;
using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Audit;
using static AuthClients.Tests.Audit.AuditLogPages;

namespace AuthClients.Tests.Audit;

/// <summary>
/// The Audit Log's filters (actor, target, kind of event, date range) each list exactly the
/// matching events, alone and together; the sort and page links keep them; input the page cannot
/// read is a message next to its filter, never an error page.
/// </summary>
public sealed class AuditLogFilterTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string Client = "auth-client";
    private static readonly DateTime Day = new(2025, 1, 2, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task ActorFilter_ByIdOrByEmail_ListsOnlyThatActorsEvents()
    {
        var (email, userId) = await app.CreateUserWithIdAsync();
        var tag = Tag();
        await app.SeedAsync([
            Record("auth-client.created", Client, tag, Day, userId, email),
            Record("auth-client.updated", Client, tag, Day.AddHours(1), userId, email),
            Record("auth-client.updated", Client, tag, Day.AddHours(2), "someone-else", "someone else"),
        ]);
        var admin = await app.SignedInAsAdminAsync();

        var byId = await admin.ReadRowsAsync($"{Page}?actor={userId}");
        var byEmailPage = await admin.GetDocumentAsync($"{Page}?actor={Uri.EscapeDataString(email)}");

        Assert.Equal(["Client updated", "Client created"], byId.Select(r => r.What));
        Assert.All(byId, r => Assert.Equal(email, r.Who));
        Assert.Equal(byId.Select(r => r.When), Rows(byEmailPage).Select(r => r.When));
        Assert.Equal(email, byEmailPage.QuerySelector("#actor")!.GetAttribute("value"));
    }

    [Fact]
    public async Task TargetFilter_ListsOnlyThatTargetsEvents()
    {
        var (mine, other) = (Tag(), Tag());
        await app.SeedAsync([
            Record("auth-client.created", Client, mine, Day),
            Record("auth-client.created", Client, other, Day),
            Record("group.created", "group", mine, Day),
        ]);
        var admin = await app.SignedInAsAdminAsync();

        var rows = await admin.ReadRowsAsync($"{Page}?targetType={Client}&target={mine}");

        var row = Assert.Single(rows);
        Assert.Equal("Client created", row.What);
        Assert.StartsWith(mine, row.Target, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KindFilter_AFamilyOrAnExactAction_ListsItsEvents()
    {
        var tag = Tag();
        await app.SeedAsync([
            Record("auth-client.created", Client, tag, Day),
            Record("auth-client.secret-rotated", Client, tag, Day.AddMinutes(1)),
            Record("auth-client.credential-added", Client, tag, Day.AddMinutes(2)),
            Record("auth-client.updated", Client, tag, Day.AddMinutes(3)),
        ]);
        var admin = await app.SignedInAsAdminAsync();
        var target = $"targetType={Client}&target={tag}";

        var credentials = await admin.ReadRowsAsync($"{Page}?{target}&action=credentials");
        var updated = await admin.ReadRowsAsync($"{Page}?{target}&action=auth-client.updated");
        var everyClientEvent = await admin.ReadRowsAsync($"{Page}?{target}&action=auth-client");

        Assert.Equal(["Credential added", "Secret rotated"], credentials.Select(r => r.What));
        Assert.Equal(["Client updated"], updated.Select(r => r.What));
        Assert.Equal(4, everyClientEvent.Count);
    }

    [Fact]
    public async Task DateRange_IncludesBothDays_InUtc()
    {
        var tag = Tag();
        await app.SeedAsync([
            Record("auth-client.created", Client, tag, Day.AddSeconds(-1)),
            Record("auth-client.updated", Client, tag, Day),
            Record("auth-client.updated", Client, tag, Day.AddDays(2).AddSeconds(-1)),
            Record("auth-client.deleted", Client, tag, Day.AddDays(2)),
        ]);
        var admin = await app.SignedInAsAdminAsync();

        var rows = await admin.ReadRowsAsync($"{Page}?targetType={Client}&target={tag}&from=2025-01-02&to=2025-01-03");

        Assert.Equal(["2025-01-03T23:59:59Z", "2025-01-02T00:00:00Z"], rows.Select(r => r.When));
    }

    [Fact]
    public async Task Filters_Combined_ListOnlyEventsMatchingAll()
    {
        var (email, userId) = await app.CreateUserWithIdAsync();
        var tag = Tag();
        await app.SeedAsync([
            Record("auth-client.secret-rotated", Client, tag, Day, userId, email), // the one
            Record("auth-client.secret-rotated", Client, tag, Day.AddDays(5), userId, email), // after the range
            Record("auth-client.updated", Client, tag, Day, userId, email), // another kind
            Record("auth-client.secret-rotated", Client, tag, Day, "other", "other"), // another actor
            Record("auth-client.secret-rotated", Client, Tag(), Day, userId, email), // another target
        ]);
        var admin = await app.SignedInAsAdminAsync();

        var rows = await admin.ReadRowsAsync($"{Page}?actor={userId}&targetType={Client}&target={tag}&action=credentials&from=2025-01-01&to=2025-01-03");

        var row = Assert.Single(rows);
        Assert.Equal(("2025-01-02T00:00:00Z", "Secret rotated"), (row.When, row.What));
    }

    [Theory]
    [InlineData("asc", 10)]
    [InlineData("desc", 10)]
    [InlineData("asc", 15)]
    [InlineData("desc", 25)]
    public async Task AKindOfEventOfSeveralActions_PagedThrough_ListsEachMatchOnceInTimeOrder(string dir, int perPage)
    {
        // The credentials family is read as one run per action, merged (AuditLogQueries): the pages
        // must interleave the actions by time, repeat and skip nothing, also where times are equal,
        // and reach deep into the one action that has most of the events.
        var (email, userId) = await app.CreateUserWithIdAsync();
        var tag = Tag();
        string[] family = ["auth-client.secret-rotated", "auth-client.secret-copied", "auth-client.credential-added", "auth-client.credential-revoked"];
        var matching = Enumerable.Range(0, 27)
            .Select(i => Record(family[i % 4 == 0 ? 1 + (i / 4 % 3) : 0], Client, tag, Day.AddMinutes(i < 4 ? 0 : i * 13 % 29), userId, email))
            .ToList();
        await app.SeedAsync([
            .. matching,
            Record("auth-client.updated", Client, tag, Day.AddMinutes(3), userId, email), // another kind
            Record("auth-client.secret-rotated", Client, tag, Day.AddMinutes(3), "someone-else", "someone else"), // another actor
        ]);
        var admin = await app.SignedInAsAdminAsync();
        var filters = $"actor={userId}&action=credentials&from=2025-01-01&to=2025-01-31&dir={dir}&perPage={perPage}";

        var pages = new List<IReadOnlyList<AuditLogRow>>();
        for (var page = 1; page <= (matching.Count + perPage - 1) / perPage; page++)
        {
            pages.Add(await admin.ReadRowsAsync($"{Page}?{filters}&page={page}"));
        }

        var listed = pages.SelectMany(p => p).ToList();
        var times = listed.Select(r => DateTime.Parse(r.When, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)).ToList();
        Assert.Equal(dir == "asc" ? times.Order() : times.OrderDescending(), times);
        Assert.Equal(
            matching.Select(r => (r.OccurredAt, AuditCatalogue.TextOf(r.Action))).Order(),
            times.Zip(listed, (at, row) => (at, row.What)).Order());
        Assert.All(pages.SkipLast(1), p => Assert.Equal(perPage, p.Count));
        var pastTheEnd = await admin.ReadRowsAsync($"{Page}?{filters}&page=99");
        Assert.Equal(pages[^1].Select(r => (r.When, r.What)), pastTheEnd.Select(r => (r.When, r.What)));
    }

    [Fact]
    public async Task SortAndPageLinks_KeepTheFilters_AndAnActorLinkAddsItsFilter()
    {
        var (email, userId) = await app.CreateUserWithIdAsync();
        var tag = Tag();
        await app.SeedAsync(Enumerable.Range(0, 12).Select(i => Record("auth-client.updated", Client, tag, Day.AddMinutes(i), i == 0 ? userId : null, i == 0 ? email : "system")));
        var admin = await app.SignedInAsAdminAsync();
        var filters = $"targetType={Client}&target={tag}&action=auth-client&from=2025-01-01&to=2025-01-31";

        var first = await admin.GetDocumentAsync($"{Page}?{filters}&dir=asc&perPage=10");
        var next = Link(first, "nav[aria-label=Pages] a", "Next");
        var sort = first.QuerySelector("th[aria-sort] a")!.GetAttribute("href")!;
        var actor = first.QuerySelectorAll("table.audit-log tbody td a").First(a => a.Text() == email).GetAttribute("href")!;

        Assert.Equal(10, Rows(first).Count);
        Assert.Equal("2025-01-02T00:00:00Z", Rows(first)[0].When);
        var second = Rows(await admin.GetDocumentAsync(next));
        Assert.Equal(["2025-01-02T00:10:00Z", "2025-01-02T00:11:00Z"], second.Select(r => r.When));
        var reversed = Rows(await admin.GetDocumentAsync(sort));
        Assert.Equal(10, reversed.Count);
        Assert.Equal("2025-01-02T00:11:00Z", reversed[0].When);
        var byActor = Rows(await admin.GetDocumentAsync(actor));
        Assert.Equal("2025-01-02T00:00:00Z", Assert.Single(byActor).When);
        foreach (var link in new[] { next, sort, actor })
        {
            Assert.Contains($"target={tag}", link, StringComparison.Ordinal);
            Assert.Contains("action=auth-client", link, StringComparison.Ordinal);
            Assert.Contains("from=2025-01-01", link, StringComparison.Ordinal);
        }

        Assert.Contains("perPage=10", next, StringComparison.Ordinal);
        Assert.Contains("dir=asc", next, StringComparison.Ordinal);
        Assert.Contains("dir=desc", sort, StringComparison.Ordinal);
        Assert.Contains($"actor={userId}", actor, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("from=2025-02-10&to=2025-02-01", "To", "The end date is before the start date.")]
    [InlineData("from=2025-13-45", "From", "Enter a date as yyyy-mm-dd.")]
    [InlineData("to=yesterday", "To", "Enter a date as yyyy-mm-dd.")]
    [InlineData("actor=nobody-at-all%40example.test", "Actor", "No user has this email.")]
    [InlineData("target=123", "TargetType", "Pick the kind of target this id is.")]
    public async Task UnreadableFilter_ShowsAMessageNextToIt_AndNoEvents(string query, string field, string message)
    {
        await app.SeedAsync([Record("auth-client.created", Client, Tag(), Day)]);
        var admin = await app.SignedInAsAdminAsync();

        var response = await admin.GetAsync($"{Page}?{query}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.ReadDocumentAsync();
        Assert.Equal(message, page.QuerySelector($"#{field}-error")!.Text());
        Assert.Equal("true", page.QuerySelector($"[aria-describedby={field}-error]")!.GetAttribute("aria-invalid"));
        Assert.Empty(Rows(page));
        Assert.Null(page.QuerySelector("a[href*='/export']"));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"{Export}?{query}")).StatusCode);
    }

    [Fact]
    public async Task MoreThanTenThousandMatches_AreCountedAsTenThousandPlus()
    {
        var tag = Tag();
        await app.SeedAsync(Enumerable.Range(0, 10_001).Select(i => Record("auth-client.updated", Client, tag, Day.AddSeconds(i))));
        var admin = await app.SignedInAsAdminAsync();

        var page = await admin.GetDocumentAsync($"{Page}?targetType={Client}&target={tag}");

        Assert.Contains("Showing 1-15 of 10,000+ events", page.Body!.Text(), StringComparison.Ordinal);
        Assert.Equal(15, Rows(page).Count);
    }

    private static string Tag() => $"t-{Guid.NewGuid():N}";

    private static string Link(AngleSharp.Dom.IDocument page, string selector, string text) =>
        page.QuerySelectorAll(selector).First(a => a.Text() == text).GetAttribute("href")!;
}
