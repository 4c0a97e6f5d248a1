using System.Net;
using IDocument = AngleSharp.Dom.IDocument;
using IElement = AngleSharp.Dom.IElement;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Authorization;
using AuthClients.Web.Connect;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Activity;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Activity;

/// <summary>
/// A client's Activity tab (/admin/auth-clients/{id}/activity) as an administrator reads it: tokens
/// per day by grant type, failed authentications with readable reasons, the latest failures with
/// time and address, and the client's own changes; who may open it.
/// </summary>
public sealed class ActivityPageTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private static string ActivityPage(string id) => $"{AuthClientPages.List}/{id}/activity";

    [Fact]
    public async Task ActivityTab_ShowsTokensPerGrantType_FailuresWithTheirReasons_AndTheClientsChanges()
    {
        app.RemoteIpAddress = IPAddress.Parse("192.0.2.44");
        var browser = await app.SignedInAsAdminAsync();
        var name = $"activity-{Guid.NewGuid():N}";
        var id = await browser.CreateClientAsync(name);
        var client = new RegisteredClient(id, await browser.FindClientIdAsync(name), await browser.CopySecretAsync(id));
        var http = app.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            Assert.False((await http.RequestClientTokenAsync(client)).IsError);
        }

        Assert.True((await http.RequestClientTokenAsync(client with { Secret = "not-the-secret" })).IsError);
        Assert.True((await http.RequestClientTokenAsync(client, "auth_clients.write")).IsError);
        Assert.True(await app.Services.GetRequiredService<ClientUsageFlush>().FlushAsync());

        var page = await browser.GetDocumentAsync(ActivityPage(id));

        var today = Today(page, "tokens-table");
        Assert.Equal(("3", "3"), (today["client_credentials"], today["Total"]));
        Assert.Contains("3 in all (client_credentials 3)", page.QuerySelector("canvas#tokens-chart")!.GetAttribute("aria-label"), StringComparison.Ordinal);
        Assert.Equal("img", page.QuerySelector("canvas#tokens-chart")!.GetAttribute("role"));
        var failuresToday = Today(page, "failures-table");
        Assert.Equal(("1", "1", "2"), (failuresToday["Wrong secret"], failuresToday["Scope not allowed"], failuresToday["Total"]));

        var latest = Rows(page, "latest-failures");
        Assert.Equal(2, latest.Count);
        Assert.Equal(["Scope not allowed", "Wrong secret"], latest.Select(r => r[1]).Order(StringComparer.Ordinal));
        Assert.All(latest, r => Assert.Equal(("client_credentials", "192.0.2.44"), (r[2], r[3])));
        Assert.All(latest, r => Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$", r[0]));

        var changes = Rows(page, "changes");
        Assert.Equal(["Secret copied", "Client created"], changes.Select(r => r[2]));
        Assert.All(changes, r => Assert.Equal(AuthClientsAppFactory.AdminEmail, r[1]));
        var auditLog = page.QuerySelectorAll("a").Single(a => a.Text() == "All changes in the audit log");
        Assert.Equal($"/admin/audit-log?targetType=auth-client&target={client.ClientId}", auditLog.GetAttribute("href"));
        Assert.NotNull(page.QuerySelector("script[src^='/lib/chart.js/chart.umd.min.js']"));
    }

    [Fact]
    public async Task DailyCounts_SumTheHoursOfEachUtcDay_OverTheLast30Days()
    {
        var browser = await app.SignedInAsAdminAsync();
        var client = await app.RegisterClientAsync();
        var today = DateTime.UtcNow.Date;
        await app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            db.ClientTokenCounts.AddRange(
                Count(client.ClientId, today.AddDays(-29).AddHours(1), "client_credentials", 4),
                Count(client.ClientId, today.AddDays(-29).AddHours(23), "client_credentials", 5),
                Count(client.ClientId, today.AddDays(-29).AddHours(23), "password", 2),
                Count(client.ClientId, today.AddDays(-30).AddHours(12), "client_credentials", 100)); // 31 days ago: not shown
            await db.SaveChangesAsync();
        });

        var page = await browser.GetDocumentAsync(ActivityPage(client.Id));

        var table = page.QuerySelector("#tokens-table")!;
        var rows = table.QuerySelectorAll("tbody tr");
        Assert.Equal(ClientActivityQueries.Days, rows.Length);
        var first = Cells(table, rows[0]);
        Assert.Equal(today.AddDays(-29).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), rows[0].QuerySelector("th time")!.GetAttribute("datetime"));
        Assert.Equal(("9", "2", "11"), (first["client_credentials"], first["password"], first["Total"]));
        Assert.Contains("11 in all", page.QuerySelector("canvas#tokens-chart")!.GetAttribute("aria-label"), StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("[data-empty=failures]"));
    }

    [Fact]
    public async Task UnusedClient_SaysSoInsteadOfAnEmptyChart()
    {
        var browser = await app.SignedInAsAdminAsync();
        var client = await app.RegisterClientAsync();

        var page = await browser.GetDocumentAsync(ActivityPage(client.Id));

        Assert.Equal("No tokens issued in the last 30 days.", page.QuerySelector("[data-empty=tokens]")!.Text().Split(". ")[0] + ".");
        Assert.NotNull(page.QuerySelector("[data-empty=failures]"));
        Assert.Null(page.QuerySelector("canvas"));
        Assert.Null(page.QuerySelector("script[src*='chart']"));
        Assert.Null(page.QuerySelector("#latest-failures"));
    }

    [Fact]
    public async Task EditPage_AndActivityPage_ShareTheTabs()
    {
        var browser = await app.SignedInAsAdminAsync();
        var client = await app.RegisterClientAsync();

        foreach (var (url, current) in new[] { (AuthClientPages.EditPage(client.Id), "Details"), (ActivityPage(client.Id), "Activity") })
        {
            var tabs = (await browser.GetDocumentAsync(url)).QuerySelectorAll("nav[aria-label='Auth Client'] a");
            Assert.Equal([("Details", AuthClientPages.EditPage(client.Id)), ("Activity", ActivityPage(client.Id))], tabs.Select(a => (a.Text(), a.GetAttribute("href")!)));
            Assert.Equal(current, tabs.Single(a => a.GetAttribute("aria-current") == "page").Text());
        }
    }

    [Fact]
    public async Task ViewAuthClientsOnly_SeesTheTab_WithoutTheDetailsTabOrTheAuditLogLink()
    {
        var client = await app.RegisterClientAsync();
        var viewer = await app.SignedInAsync(await app.CreateUserAsync(permissions: [Permissions.AuthClients.ViewKey]));
        var auditor = await app.SignedInAsync(await app.CreateUserAsync(permissions: [Permissions.AuthClients.ViewKey, Permissions.Audit.ViewKey]));

        var page = await viewer.GetDocumentAsync(ActivityPage(client.Id));
        Assert.Equal(["Activity"], page.QuerySelectorAll("nav[aria-label='Auth Client'] a").Select(a => a.Text()));
        Assert.DoesNotContain(page.QuerySelectorAll("a"), a => a.Text() == "All changes in the audit log");
        Assert.Contains((await viewer.GetDocumentAsync(AuthClientPages.List)).QuerySelectorAll("a[aria-label=Activity]"), a => a.GetAttribute("href") == ActivityPage(client.Id));

        Assert.Contains((await auditor.GetDocumentAsync(ActivityPage(client.Id))).QuerySelectorAll("a"), a => a.Text() == "All changes in the audit log");
    }

    [Fact]
    public async Task WithoutViewAuthClients_Is403_AndAnonymousIsSentToSignIn()
    {
        var client = await app.RegisterClientAsync();
        var others = Permissions.All.Where(p => p.Category != Permissions.AuthClients.Category).Select(p => p.Key).ToArray();
        var outsider = await app.SignedInAsync(await app.CreateUserAsync(permissions: others));

        await HttpAssert.IsForbiddenPageAsync(await outsider.GetAsync(ActivityPage(client.Id)));
        HttpAssert.RedirectsToSignIn(await app.CreateBrowser().GetAsync(ActivityPage(client.Id)));
    }

    [Fact]
    public async Task DeletedClient_LeadsBackToTheList()
    {
        var browser = await app.SignedInAsAdminAsync();
        var client = await app.RegisterClientAsync();
        await app.DeleteClientAsync(client);

        var response = await browser.GetAsync(ActivityPage(client.Id));

        Assert.Equal(AuthClientPages.List, HttpAssert.RedirectTarget(response));
    }

    private static ClientTokenCount Count(string clientId, DateTime hour, string grantType, long count) =>
        new() { ClientId = clientId, Hour = DateTime.SpecifyKind(hour, DateTimeKind.Utc), GrantType = grantType, Count = count };

    /// <summary>Today's row of a daily table (the last one), by column header.</summary>
    private static Dictionary<string, string> Today(IDocument page, string tableId)
    {
        var table = page.QuerySelector($"#{tableId}")!;
        return Cells(table, table.QuerySelectorAll("tbody tr")[^1]);
    }

    private static Dictionary<string, string> Cells(IElement table, IElement row)
    {
        var headers = table.QuerySelectorAll("thead th").Skip(1).Select(th => th.Text()).ToList();
        var cells = row.QuerySelectorAll("td").Select(td => td.Text()).ToList();
        return headers.Zip(cells).ToDictionary(p => p.First, p => p.Second);
    }

    private static List<string[]> Rows(IDocument page, string tableId) =>
        [.. page.QuerySelectorAll($"#{tableId} tbody tr").Select(tr => tr.QuerySelectorAll("td").Select(td => td.Text()).ToArray())];
}
