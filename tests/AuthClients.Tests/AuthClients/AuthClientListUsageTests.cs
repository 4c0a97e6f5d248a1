using AngleSharp.Html.Dom;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using AuthClients.Web.Features.AuthClients;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AuthClients.Tests.AuthClients.AuthClientListQueries;

namespace AuthClients.Tests.AuthClients;

/// <summary>
/// What the Auth Clients table says about use and credentials: the Last used column and its sort,
/// its filters ("Used in the last 24 hours", "Not used for 90 days", "Credentials expiring soon", "Enabled", "Disabled") (kept by every link of the list), the Disabled
/// and "expires in N days" badges, and the one copy button of a client with an active secret.
/// Last use, expiry and the enabled flag are written straight to the database.
/// </summary>
public sealed class AuthClientListUsageTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task LastUsedColumn_ShowsNeverOrTheTime_AndSortsNeverAsTheOldest()
    {
        var browser = await app.SignedInAsAdminAsync();
        var (tag, never, old, recent) = await ThreeClientsAsync();

        var ascending = await browser.GetDocumentAsync($"{Search(tag)}&sort={AuthClientSort.LastUsed}&dir=asc");
        var descending = await browser.GetDocumentAsync($"{Search(tag)}&sort={AuthClientSort.LastUsed}&dir=desc");
        var clicked = await browser.GetDocumentAsync((await browser.GetDocumentAsync(Search(tag))).HeaderLink("Last used"));

        Assert.Equal([never, old, recent], Names(ascending));
        Assert.Equal([recent, old, never], Names(descending));
        Assert.Equal([recent, old, never], Names(clicked));
        var cells = ascending.Rows().ToDictionary(r => r.Name, r => r.LastUsed);
        Assert.Equal("never", cells[never]);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$", cells[recent]);
        Assert.Equal("descending", descending.AriaSort()["Last used"]);
    }

    [Fact]
    public async Task NotUsedFor90Days_ShowsNeverUsedAndLongIdleClients_AndEveryLinkKeepsIt()
    {
        var browser = await app.SignedInAsAdminAsync();
        var (tag, never, old, _) = await ThreeClientsAsync();

        var page = await browser.GetDocumentAsync($"{Search(tag)}&filter={AuthClientSort.NotUsedFilter}&perPage=10");

        Assert.Equal([old, never], Names(page));
        Assert.Equal("Showing 1-2 of 2", page.Showing());
        Assert.Equal("Not used for 90 days", page.QuerySelector("nav[aria-label=Filters] a[aria-current]")!.Text());
        AssertKeepsFilter(page, AuthClientSort.NotUsedFilter);
        var all = page.QuerySelectorAll("nav[aria-label=Filters] a").Single(a => a.Text() == "All").GetAttribute("href")!;
        Assert.Equal(3, (await browser.GetDocumentAsync(all)).Rows().Count);
    }

    [Fact]
    public async Task UsedInTheLast24Hours_ShowsOnlyClientsUsedSince_AndEveryLinkKeepsIt()
    {
        var browser = await app.SignedInAsAdminAsync();
        var (tag, _, _, recent) = await ThreeClientsAsync();
        var yesterday = $"{tag} yesterday";
        await app.SeedClientAsync(yesterday);
        await app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().AuthClients
            .Where(a => a.DisplayName == yesterday).ExecuteUpdateAsync(s => s.SetProperty(a => a.LastUsedAt, DateTime.UtcNow.AddHours(-25))));

        var page = await browser.GetDocumentAsync($"{Search(tag)}&filter={AuthClientSort.UsedRecentlyFilter}");

        Assert.Equal([recent], Names(page));
        Assert.Equal("Used in the last 24 hours", page.QuerySelector("nav[aria-label=Filters] a[aria-current]")!.Text());
        AssertKeepsFilter(page, AuthClientSort.UsedRecentlyFilter);
    }

    [Fact]
    public async Task ExpiringFilter_ShowsClientsWithAnActiveCredentialExpiringWithinTheWarning()
    {
        var browser = await app.SignedInAsAdminAsync();
        var tag = NewTag();
        var soon = await app.RegisterClientAsync(name: $"{tag} soon");
        var later = await app.RegisterClientAsync(name: $"{tag} later");
        var revoked = await app.RegisterClientAsync(name: $"{tag} revoked");
        var expired = await app.RegisterClientAsync(name: $"{tag} expired");
        await app.RegisterClientAsync(name: $"{tag} never");
        var now = DateTime.UtcNow;
        await SetSecretAsync(soon.Id, expiresAt: now.AddDays(13));
        await SetSecretAsync(later.Id, expiresAt: now.AddDays(15));
        await SetSecretAsync(revoked.Id, expiresAt: now.AddDays(2), revokedAt: now.AddMinutes(-1));
        await SetSecretAsync(expired.Id, expiresAt: now.AddDays(-1));

        var page = await browser.GetDocumentAsync($"{Search(tag)}&filter={AuthClientSort.ExpiringFilter}");

        Assert.Equal([$"{tag} soon"], Names(page));
        Assert.Equal("expires in 13 days", page.Rows().Single().Badges);
        Assert.Equal("Credentials expiring soon", page.QuerySelector("nav[aria-label=Filters] a[aria-current]")!.Text());
        AssertKeepsFilter(page, AuthClientSort.ExpiringFilter);
    }

    [Fact]
    public async Task EnabledFilter_LeavesOutDisabledClients()
    {
        var browser = await app.SignedInAsAdminAsync();
        var (tag, never, old, recent) = await ThreeClientsAsync();
        await app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().AuthClients
            .Where(a => a.DisplayName == old).ExecuteUpdateAsync(s => s.SetProperty(a => a.IsEnabled, false)));

        var page = await browser.GetDocumentAsync($"{Search(tag)}&filter={AuthClientSort.EnabledFilter}");

        Assert.Equal([recent, never], Names(page));
        AssertKeepsFilter(page, AuthClientSort.EnabledFilter);
    }

    [Fact]
    public async Task Filter_IsKeptByThePageLinks()
    {
        var browser = await app.SignedInAsAdminAsync();
        var tag = NewTag();
        foreach (var n in Enumerable.Range(1, 11))
        {
            await app.SeedClientAsync($"{tag} {n}");
        }

        var first = await browser.GetDocumentAsync($"{Search(tag)}&filter={AuthClientSort.DisabledFilter}");
        await app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().AuthClients
            .Where(a => a.DisplayName!.StartsWith(tag)).ExecuteUpdateAsync(s => s.SetProperty(a => a.IsEnabled, false)));
        var disabled = await browser.GetDocumentAsync($"{Search(tag)}&filter={AuthClientSort.DisabledFilter}&perPage=10");

        Assert.Empty(first.Rows());
        Assert.Equal("Showing 1-10 of 11", disabled.Showing());
        var next = disabled.PageLink("Next")!.GetAttribute("href")!;
        Assert.Equal(AuthClientSort.DisabledFilter, QueryOf(next)["filter"]);
        Assert.Equal("Showing 11-11 of 11", (await browser.GetDocumentAsync(next)).Showing());
    }

    [Fact]
    public async Task DisabledClient_HasABadge_AndTheDisabledFilterShowsOnlyDisabledClients()
    {
        var browser = await app.SignedInAsAdminAsync();
        var (tag, never, old, recent) = await ThreeClientsAsync();
        await app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().AuthClients
            .Where(a => a.DisplayName == old).ExecuteUpdateAsync(s => s.SetProperty(a => a.IsEnabled, false)));

        var everything = await browser.GetDocumentAsync(Search(tag));
        var disabled = await browser.GetDocumentAsync($"{Search(tag)}&filter={AuthClientSort.DisabledFilter}");

        var badges = everything.Rows().ToDictionary(r => r.Name, r => r.Badges);
        Assert.Equal("Disabled", badges[old]);
        Assert.Equal("", badges[never]);
        Assert.Equal("", badges[recent]);
        Assert.Equal([old], Names(disabled));
        AssertKeepsFilter(disabled, AuthClientSort.DisabledFilter);
    }

    [Fact]
    public async Task ExpiringCredential_ShowsExpiresInNDays_OnlyWithinTheWarningAndWhileActive()
    {
        var browser = await app.SignedInAsAdminAsync();
        var tag = NewTag();
        var soon = await app.RegisterClientAsync(name: $"{tag} soon");
        var later = await app.RegisterClientAsync(name: $"{tag} later");
        var revoked = await app.RegisterClientAsync(name: $"{tag} revoked");
        var now = DateTime.UtcNow;
        await SetSecretAsync(soon.Id, expiresAt: now.AddDays(3).AddHours(-1));
        await SetSecretAsync(later.Id, expiresAt: now.AddDays(20));
        await SetSecretAsync(revoked.Id, expiresAt: now.AddDays(2), revokedAt: now.AddMinutes(-1));

        var rows = (await browser.GetDocumentAsync(Search(tag))).Rows().ToDictionary(r => r.Name);

        Assert.Equal("expires in 3 days", rows[$"{tag} soon"].Badges);
        Assert.Equal("", rows[$"{tag} later"].Badges);
        Assert.Equal("", rows[$"{tag} revoked"].Badges);
    }

    [Fact]
    public async Task ClientSecretColumn_HasOneCopyButton_ForTheNewestActiveSecret_AndNoneWithout()
    {
        var browser = await app.SignedInAsAdminAsync();
        var tag = NewTag();
        var rotated = await app.RegisterClientAsync(name: $"{tag} rotated");
        var revoked = await app.RegisterClientAsync(name: $"{tag} revoked");
        await browser.RotateSecretAsync(rotated.Id, "30.00:00:00");
        await SetSecretAsync(revoked.Id, expiresAt: null, revokedAt: DateTime.UtcNow.AddMinutes(-1));

        var rows = (await browser.GetDocumentAsync(Search(tag))).Rows().ToDictionary(r => r.Name);

        Assert.Equal(1, rows[$"{tag} rotated"].CopyButtons);
        var copied = await browser.CopySecretAsync(rotated.Id);
        Assert.NotEqual(rotated.Secret, copied);
        Assert.True(await app.SecretIsAcceptedAsync(rotated.Id, copied));
        Assert.Equal(0, rows[$"{tag} revoked"].CopyButtons);
    }

    [Fact]
    public async Task FilteredAndSortedPage_IsReadInOneQueryPlusTheCappedCount_AndOneForItsCredentials()
    {
        var browser = await app.SignedInAsAdminAsync();
        await ThreeClientsAsync();
        await browser.GetDocumentAsync(AuthClientPages.List);
        var seen = app.LogEntries.Count;

        await browser.GetDocumentAsync($"{AuthClientPages.List}?filter={AuthClientSort.NotUsedFilter}&sort={AuthClientSort.LastUsed}");

        // Reads only: the last-used flush of this shared app may write to the clients meanwhile, on its own timer.
        var reads = app.LogEntries.Skip(seen).Select(e => e.Message)
            .Where(m => m.StartsWith("Executed DbCommand", StringComparison.Ordinal))
            .Where(m => m[(m.IndexOf('\n', StringComparison.Ordinal) + 1)..].TrimStart().StartsWith("SELECT", StringComparison.Ordinal))
            .ToList();
        var clients = reads.Where(m => m.Contains("\"OpenIddictApplications\"", StringComparison.Ordinal)).ToList();
        var credentials = reads.Where(m => m.Contains("\"AuthClientCredentials\"", StringComparison.Ordinal)).ToList();
        Assert.True(clients.Count == 2, $"{clients.Count} commands:\n" + string.Join("\n\n", clients));
        Assert.Contains("COUNT(*)", clients[0], StringComparison.OrdinalIgnoreCase); // PostgreSQL writes count(*)
        Assert.Contains("LIMIT", clients[0], StringComparison.Ordinal); // stops at the count limit
        Assert.DoesNotContain("\"AuthClientCredentials\"", clients[1], StringComparison.Ordinal);
        Assert.Single(credentials);
    }

    /// <summary>Three clients of one tag: never used, last used 100 days ago, and an hour ago.</summary>
    private async Task<(string Tag, string Never, string Old, string Recent)> ThreeClientsAsync()
    {
        var tag = NewTag();
        var (never, old, recent) = ($"{tag} never", $"{tag} old", $"{tag} recent");
        foreach (var name in new[] { never, old, recent })
        {
            await app.SeedClientAsync(name);
        }

        var now = DateTime.UtcNow;
        await app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            await db.AuthClients.Where(a => a.DisplayName == old).ExecuteUpdateAsync(s => s.SetProperty(a => a.LastUsedAt, now.AddDays(-100)));
            await db.AuthClients.Where(a => a.DisplayName == recent).ExecuteUpdateAsync(s => s.SetProperty(a => a.LastUsedAt, now.AddHours(-1)));
        });
        return (tag, never, old, recent);
    }

    private Task<int> SetSecretAsync(string id, DateTime? expiresAt, DateTime? revokedAt = null) =>
        app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().AuthClientCredentials.Where(c => c.ApplicationId == id)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ExpiresAt, expiresAt).SetProperty(c => c.RevokedAt, revokedAt)));

    /// <summary>The sort links, the search box and the per-page form all carry the filter.</summary>
    private static void AssertKeepsFilter(IHtmlDocument page, string filter)
    {
        foreach (var column in new[] { "Client ID", "Name", "Redirect", "Last used" })
        {
            Assert.Equal(filter, QueryOf(page.HeaderLink(column))["filter"]);
        }

        Assert.Equal(filter, page.QuerySelector("form[role=search] input[type=hidden][name=filter]")?.GetAttribute("value"));
        Assert.Equal(filter, page.QuerySelector("form[data-autosubmit] input[type=hidden][name=filter]")?.GetAttribute("value"));
    }

    private static Dictionary<string, Microsoft.Extensions.Primitives.StringValues> QueryOf(string url) =>
        QueryHelpers.ParseQuery(new Uri(new Uri("http://localhost"), url).Query);
}
