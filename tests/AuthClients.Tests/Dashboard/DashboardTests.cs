using System.Net;
using AngleSharp.Html.Dom;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Authorization;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Activity;
using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AuthClients.Tests.Dashboard;

/// <summary>
/// Admin > Dashboard: its figures against data put in place behind the pages' back, the lists its
/// links lead to, and what each viewer is shown. The figures count every client of the
/// installation, so each test has an app (and a database) of its own. The app's clock is a
/// <see cref="FakeTimeProvider"/> started at the real time, so "24 hours ago" is exact.
/// </summary>
public sealed class DashboardTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly AuthClientsAppFactory _app;

    public DashboardTests()
    {
        _app = new AuthClientsAppFactory { TestServices = services => services.AddSingleton<TimeProvider>(_clock) };
    }

    public void Dispose() => _app.Dispose();

    private DateTime Now => _clock.GetUtcNow().UtcDateTime;

    [Fact]
    public async Task ClientFigures_CountTheClients_AndEachLeadsToAListOfThoseSameClients()
    {
        await ClientAsync("recent", lastUsed: Now.AddHours(-1), expires: Now.AddDays(10));
        await ClientAsync("idle", lastUsed: Now.AddDays(-100));
        await ClientAsync("off", enabled: false);
        var soon = await ClientAsync("soon", lastUsed: Now.AddDays(-30), expires: Now.AddDays(3));
        await ClientAsync("later", expires: Now.AddDays(20));
        await ClientAsync("revoked", expires: Now.AddDays(2), revoked: Now.AddMinutes(-5));
        var browser = await _app.SignedInAsAdminAsync();

        var dashboard = await browser.GetDocumentAsync(Routes.Dashboard);

        var figures = Figures(dashboard);
        Assert.Equal("6 clients", figures[DashboardList(null)]);
        Assert.Equal("5 enabled", figures[DashboardList(AuthClientSort.EnabledFilter)]);
        Assert.Equal("1 disabled", figures[DashboardList(AuthClientSort.DisabledFilter)]);
        Assert.Equal("1 used in the last 24 hours", figures[DashboardList(AuthClientSort.UsedRecentlyFilter)]);
        Assert.Equal("4 not used for 90 days", figures[DashboardList(AuthClientSort.NotUsedFilter)]);
        Assert.Equal("2 credentials expiring within 14 days, of 2 clients", figures[DashboardList(AuthClientSort.ExpiringFilter)]);
        Assert.Equal(["soon", "recent"], dashboard.QuerySelectorAll("ul.expiring-clients li a").Select(a => a.Text()).ToList());

        Assert.Equal(["revoked", "later", "soon", "off", "idle", "recent"], await NamesAtAsync(browser, DashboardList(null)));
        Assert.Equal(["revoked", "later", "soon", "idle", "recent"], await NamesAtAsync(browser, DashboardList(AuthClientSort.EnabledFilter)));
        Assert.Equal(["off"], await NamesAtAsync(browser, DashboardList(AuthClientSort.DisabledFilter)));
        Assert.Equal(["recent"], await NamesAtAsync(browser, DashboardList(AuthClientSort.UsedRecentlyFilter)));
        Assert.Equal(["revoked", "later", "off", "idle"], await NamesAtAsync(browser, DashboardList(AuthClientSort.NotUsedFilter)));
        Assert.Equal(["soon", "recent"], await NamesAtAsync(browser, DashboardList(AuthClientSort.ExpiringFilter)));
        Assert.Equal(AuthClientPages.EditPage(soon.Id), dashboard.QuerySelector("ul.expiring-clients li a")!.GetAttribute("href"));
    }

    [Fact]
    public async Task Last24Hours_EndsExactly24HoursAgo_OnTheDashboardAndInItsList()
    {
        await ClientAsync("used", lastUsed: Now.AddHours(-23));
        var browser = await _app.SignedInAsAdminAsync();
        var usedLink = DashboardList(AuthClientSort.UsedRecentlyFilter);

        var before = Figures(await browser.GetDocumentAsync(Routes.Dashboard))[usedLink];
        var listedBefore = await NamesAtAsync(browser, usedLink);
        _clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        var after = Figures(await browser.GetDocumentAsync(Routes.Dashboard))[usedLink];

        Assert.Equal("1 used in the last 24 hours", before);
        Assert.Equal(["used"], listedBefore);
        Assert.Equal("0 used in the last 24 hours", after);
        Assert.Empty(await NamesAtAsync(browser, usedLink));
    }

    [Fact]
    public async Task Failures_SumTheLast24Hours_AndNameTheTopFiveClientIds_WithTheirActivityTab()
    {
        var clients = new Dictionary<string, RegisteredClient>();
        foreach (var name in new[] { "most", "third", "fourth", "fifth", "sixth", "old" })
        {
            clients[name] = await ClientAsync(name);
        }

        const string unknownClientId = "99999999";
        await FailuresAsync(
            (clients["most"].ClientId, -1, FailureReasons.WrongSecret, 3),
            (clients["most"].ClientId, -5, FailureReasons.ExpiredCredential, 4),
            (unknownClientId, -2, FailureReasons.UnknownClient, 6),
            (clients["third"].ClientId, -23, FailureReasons.DisabledClient, 5),
            (clients["fourth"].ClientId, -3, FailureReasons.GrantNotAllowed, 3),
            (clients["fifth"].ClientId, -4, FailureReasons.WrongSecret, 2),
            (clients["sixth"].ClientId, -6, FailureReasons.BadAssertion, 1),
            (clients["old"].ClientId, -26, FailureReasons.WrongSecret, 100));
        var browser = await _app.SignedInAsAdminAsync();

        var dashboard = await browser.GetDocumentAsync(Routes.Dashboard);

        Assert.Equal("24", dashboard.QuerySelector(".failures-total")!.Text());
        var rows = dashboard.QuerySelectorAll("table.failing-clients tbody tr").Select(tr => tr.QuerySelectorAll("td").ToList()).ToList();
        Assert.Equal(
            [$"most ({clients["most"].ClientId})", $"{unknownClientId} Unknown Client ID", $"third ({clients["third"].ClientId})", $"fourth ({clients["fourth"].ClientId})", $"fifth ({clients["fifth"].ClientId})"],
            rows.Select(cells => cells[0].Text()).ToList());
        Assert.Equal(["7", "6", "5", "3", "2"], rows.Select(cells => cells[1].Text()).ToList());
        Assert.Equal($"/admin/auth-clients/{clients["most"].Id}/activity", rows[0][0].QuerySelector("a")!.GetAttribute("href"));
        Assert.Null(rows[1][0].QuerySelector("a"));
    }

    [Fact]
    public async Task RecentChanges_ShowTheLatestTen_WithLinksToTheAuditLogFilteredByActorActionAndTarget()
    {
        await _app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            foreach (var n in Enumerable.Range(1, 12))
            {
                db.AuditRecords.Add(new AuditRecord
                {
                    OccurredAt = Now.AddMinutes(n),
                    ActorId = $"actor-{n}",
                    ActorName = $"Actor {n}",
                    Action = n % 2 == 0 ? "auth-client.updated" : "group.created",
                    TargetType = n % 2 == 0 ? "auth-client" : "group",
                    TargetId = $"{1000 + n}",
                });
            }

            await db.SaveChangesAsync();
        });
        var browser = await _app.SignedInAsAdminAsync();

        var rows = (await browser.GetDocumentAsync(Routes.Dashboard)).QuerySelectorAll("table.recent-changes tbody tr")
            .Select(tr => tr.QuerySelectorAll("td").ToList()).ToList();

        Assert.Equal(Enumerable.Range(3, 10).Reverse().Select(n => $"Actor {n}").ToList(), rows.Select(cells => cells[1].Text()).ToList());
        var latest = rows[0];
        Assert.Equal(CredentialsTime(Now.AddMinutes(12)), latest[0].Text());
        Assert.Equal("/admin/audit-log?actor=actor-12", latest[1].QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal(("Client updated", "/admin/audit-log?action=auth-client.updated"), (latest[2].Text(), latest[2].QuerySelector("a")!.GetAttribute("href")));
        // No client 1012 exists: its Client ID stands for its name.
        Assert.Equal(("1012", "/admin/audit-log?targetType=auth-client&target=1012"), (latest[3].Text(), latest[3].QuerySelector("a")!.GetAttribute("href")));
        Assert.Equal("/admin/audit-log?targetType=group&target=1011", rows[1][3].QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public async Task RecentChanges_AreTheLatestChanges_NotTheSignInsThatCameAfterThem()
    {
        string[] signIns = ["sign-in.failed", "sign-in.succeeded", "user.locked-out"];
        await _app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            db.AuditRecords.AddRange(Enumerable.Range(1, 3).Select(n => new AuditRecord
            {
                OccurredAt = Now.AddMinutes(n),
                ActorName = $"Changer {n}",
                Action = "auth-client.updated",
                TargetType = "auth-client",
                TargetId = $"{2000 + n}",
            }));
            db.AuditRecords.AddRange(Enumerable.Range(1, 60).Select(n => new AuditRecord
            {
                OccurredAt = Now.AddMinutes(3).AddSeconds(n),
                ActorName = $"Someone signing in {n}",
                Action = signIns[n % signIns.Length],
                TargetType = "user",
                TargetId = $"user-{n}",
            }));
            await db.SaveChangesAsync();
        });
        var browser = await _app.SignedInAsAdminAsync();

        var rows = (await browser.GetDocumentAsync(Routes.Dashboard)).QuerySelectorAll("table.recent-changes tbody tr")
            .Select(tr => tr.QuerySelectorAll("td").ToList()).ToList();

        // The administrator's own sign-in (the test's) is also a sign-in: not a change either.
        Assert.Equal(["Changer 3", "Changer 2", "Changer 1"], rows.Select(cells => cells[1].Text()).Where(who => who.StartsWith("Changer", StringComparison.Ordinal)).ToList());
        Assert.All(rows, cells => Assert.Equal("Client updated", cells[2].Text()));
    }

    [Fact]
    public async Task RecentChanges_ShowWhatAnAdministratorJustDid()
    {
        var browser = await _app.SignedInAsAdminAsync();
        await browser.CreateClientAsync("Made on the page");
        var clientId = await browser.FindClientIdAsync("Made on the page");

        var latest = (await browser.GetDocumentAsync(Routes.Dashboard)).QuerySelectorAll("table.recent-changes tbody tr")[0].QuerySelectorAll("td").ToList();

        Assert.Equal(AuthClientsAppFactory.AdminEmail, latest[1].Text());
        Assert.Equal("Client created", latest[2].Text());
        Assert.Equal("Made on the page", latest[3].Text());
        Assert.Equal($"/admin/audit-log?targetType=auth-client&target={clientId}", latest[3].QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public async Task Dashboard_ReadsAggregatesAndTheFewRowsItNames_NeverARowPerClient()
    {
        foreach (var n in Enumerable.Range(1, 8))
        {
            await ClientAsync($"client {n}", lastUsed: Now.AddHours(-n), expires: Now.AddDays(n));
        }

        await FailuresAsync(("12345678", -1, FailureReasons.UnknownClient, 2));
        var browser = await _app.SignedInAsAdminAsync();
        await browser.GetDocumentAsync(Routes.Dashboard);
        var seen = _app.LogEntries.Count;

        await browser.GetDocumentAsync(Routes.Dashboard);

        string[] tables = ["\"OpenIddictApplications\"", "\"AuthClientCredentials\"", "\"ClientFailureCounts\"", "\"AuditRecords\""];
        var reads = _app.LogEntries.Skip(seen).Select(e => e.Message)
            .Where(m => m.StartsWith("Executed DbCommand", StringComparison.Ordinal) && tables.Any(t => m.Contains(t, StringComparison.Ordinal)))
            .ToList();
        // A fixed number whatever the number of clients: the figures, and the names of the recent
        // changes' targets and actors (one query per kind of target, as the Audit Log reads them).
        Assert.InRange(reads.Count, 1, 16);
        Assert.All(reads, sql => Assert.True(
            sql.Contains("COUNT(", StringComparison.OrdinalIgnoreCase) || sql.Contains("SUM(", StringComparison.OrdinalIgnoreCase)
            || sql.Contains("LIMIT", StringComparison.Ordinal) || sql.Contains(" IN (", StringComparison.Ordinal) || sql.Contains("= ANY (", StringComparison.Ordinal)
            || sql.Contains("\" = @", StringComparison.Ordinal), // the clients it names, by key
            "A query that may read a row per client:\n" + sql));
    }

    public static TheoryData<string[], bool, bool> Viewers => new()
    {
        { [Permissions.AuthClients.ViewKey], true, false },
        { [Permissions.AuthClients.ViewKey, Permissions.AuthClients.EditKey, Permissions.Users.ViewKey, Permissions.Groups.ViewKey], true, false },
        { [Permissions.Audit.ViewKey], false, true },
        { [Permissions.AuthClients.ViewKey, Permissions.Audit.ViewKey], true, true },
    };

    [Theory]
    [MemberData(nameof(Viewers))]
    public async Task Dashboard_ShowsOnlyWhatTheViewerMaySee(string[] held, bool seesClients, bool seesChanges)
    {
        await ClientAsync("seen", lastUsed: Now.AddHours(-1));
        await FailuresAsync(("12345678", -1, FailureReasons.UnknownClient, 2));
        var browser = await _app.SignedInAsync(await _app.CreateUserAsync(permissions: held));

        var response = await browser.GetAsync(Routes.Dashboard);
        var page = await response.ReadDocumentAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var headings = page.QuerySelectorAll("main h2").Select(h => h.Text()).ToList();
        Assert.Equal(seesClients, headings.Contains("Auth Clients"));
        Assert.Equal(seesClients, headings.Contains("Failed authentications in the last 24 hours: 2"));
        Assert.Equal(seesClients, page.QuerySelectorAll("a[href^='/admin/auth-clients?filter=']").Length > 0);
        Assert.Equal(seesChanges, headings.Contains("Recent changes"));
        Assert.Equal(seesChanges, page.QuerySelector("main a[href='/admin/audit-log']") is not null);
        Assert.DoesNotContain("Nothing to report for you", headings);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Dashboard_WithoutClientOrAuditRights_SaysWhatTheUserCanDo_InsteadOf403(bool viewUsers)
    {
        await ClientAsync("hidden");
        var browser = await _app.SignedInAsync(await _app.CreateUserAsync(permissions: viewUsers ? [Permissions.Users.ViewKey] : []));

        var response = await browser.GetAsync(Routes.Dashboard);
        var page = await response.ReadDocumentAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["Nothing to report for you"], page.QuerySelectorAll("main h2").Select(h => h.Text()).ToList());
        var offered = page.QuerySelectorAll("main section a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(viewUsers ? [Routes.Profile, Routes.Users] : [Routes.Profile], offered);
        Assert.DoesNotContain("hidden", page.QuerySelector("main")!.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_WhenAnonymous_RedirectsToSignIn()
    {
        HttpAssert.RedirectsToSignIn(await _app.CreateBrowser().GetAsync(Routes.Dashboard));
    }

    /// <summary>A client named <paramref name="name"/>, its secret's expiry, revocation, last use and enabled flag written straight to the database.</summary>
    private async Task<RegisteredClient> ClientAsync(string name, DateTime? lastUsed = null, bool enabled = true, DateTime? expires = null, DateTime? revoked = null)
    {
        var client = await _app.RegisterClientAsync(name: name);
        await _app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            await db.AuthClients.Where(a => a.Id == client.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.LastUsedAt, lastUsed).SetProperty(a => a.IsEnabled, enabled));
            await db.AuthClientCredentials.Where(c => c.ApplicationId == client.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ExpiresAt, expires).SetProperty(c => c.RevokedAt, revoked));
        });
        return client;
    }

    /// <summary>Hourly failure counts, as the activity flush writes them: (Client ID, hours before now, reason, count).</summary>
    private Task FailuresAsync(params (string ClientId, int HoursAgo, string Reason, long Count)[] counts) =>
        _app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            foreach (var (clientId, hoursAgo, reason, count) in counts)
            {
                var at = Now.AddHours(hoursAgo);
                db.ClientFailureCounts.Add(new ClientFailureCount
                {
                    ClientId = clientId,
                    Hour = new DateTime(at.Year, at.Month, at.Day, at.Hour, 0, 0, DateTimeKind.Utc),
                    Reason = reason,
                    Count = count,
                });
            }

            await db.SaveChangesAsync();
        });

    private static string DashboardList(string? filter) => filter is null ? AuthClientPages.List : $"{AuthClientPages.List}?filter={filter}";

    /// <summary>The figures' links and what they say ("5 enabled"), by where they lead.</summary>
    private static Dictionary<string, string> Figures(IHtmlDocument dashboard) =>
        dashboard.QuerySelectorAll(".dashboard-figures a").ToDictionary(a => a.GetAttribute("href")!, a => a.Text());

    private static async Task<List<string>> NamesAtAsync(HttpClient browser, string url) =>
        (await browser.GetDocumentAsync(url)).Rows().Select(r => r.Name).ToList();

    private static string CredentialsTime(DateTime when) => Web.Areas.Admin.Models.CredentialsViewModel.Utc(when);
}
