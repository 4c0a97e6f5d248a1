using System.Globalization;
using System.Net;
using System.Text.Json;
using AuthClients.BrowserTests.Infrastructure;
using AuthClients.Web.Areas.Admin.Controllers;
using AuthClients.Web.Authorization;
using AuthClients.Web.Connect;
using AuthClients.Web.Features.Audit;
using CsvHelper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuthClients.BrowserTests.Audit;

/// <summary>
/// Issue 14 as it will be checked, in Chromium under the CSP: an administrator makes changes and a
/// program's token requests fail (wrong secret, disabled client, expired secret); each is then found
/// on the Audit Log with its filters, on the client's Activity tab with its reason, and on the
/// dashboard; the filtered log is exported as CSV and read back; a user without View Audit Log gets
/// no sidebar entry and a 403.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AdministratorFollowsUpTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    private const string Name = "Payroll Export";

    // 20:00 UTC, so the first secret (expiring at the next 00:00 UTC) runs out four hours later,
    // within the dashboard's 24 hours and the sign-in cookie's 8.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(DateTime.UtcNow.Date.AddHours(20), TimeSpan.Zero));

    protected override TimeProvider? Clock => _clock;

    [Fact]
    public async Task ChangesAndFailedTokenRequests_AreFoundOnTheAuditLog_TheActivityTab_AndTheDashboard()
    {
        var today = _clock.GetUtcNow().UtcDateTime.Date;

        // A mistyped password first: the failed sign-in is audited too.
        await Page.GotoAsync("/");
        await Page.SignInHereAsync(password: "not-the-admin-password");
        await Expect(Page.GetByText("Invalid email or password")).ToBeVisibleAsync();
        await Page.SignInHereAsync();

        await Page.OpenAuthClientsAsync();
        await Page.OpenCreateFormAsync();
        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync(Name);
        await Page.GetByLabel("Enable Client Credentials Grant").CheckAsync();
        await Page.GetByLabel("Secret expires on").FillAsync(today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(Page.GetByText(AuthClientsController.CreatedMessage)).ToBeVisibleAsync();
        var row = Page.ClientRow(Name);
        var clientId = (await row.GetByRole(AriaRole.Cell).First.TextContentAsync())!.Trim();
        var secret = await Page.CopySecretAsync(row);

        // The program: one token, then a wrong secret.
        Assert.Null((await Session.RequestClientTokenAsync(clientId, secret)).Error);
        await AssertRefusedAsync(clientId, secret + "x");

        // Disabled: the right secret is refused too, and works again once enabled.
        await SetEnabledAsync(clientId, false);
        await AssertRefusedAsync(clientId, secret);
        await SetEnabledAsync(clientId, true);
        Assert.Null((await Session.RequestClientTokenAsync(clientId, secret)).Error);

        // Midnight passes: the secret has expired.
        _clock.Advance(TimeSpan.FromHours(4) + TimeSpan.FromMinutes(1));
        await AssertRefusedAsync(clientId, secret);
        Assert.True(await Session.App.Services.GetRequiredService<ClientUsageFlush>().FlushAsync());

        // The Activity tab: every refusal with its reason and address; the tokens per day.
        await Page.OpenAuthClientsAsync();
        await Page.ClientRow(Name).GetByRole(AriaRole.Button, new() { Name = "Activity" }).ClickAsync();
        var failures = Page.GetByRole(AriaRole.Table, new() { Name = "The latest 3 failed authentications, newest first" });
        foreach (var reason in new[] { "Wrong secret", "Client disabled", "Expired credential" })
        {
            var failure = failures.GetByRole(AriaRole.Row).Filter(new() { HasText = reason });
            await Expect(failure).ToHaveCountAsync(1);
            await Expect(failure).ToContainTextAsync("127.0.0.1");
        }

        await Expect(failures.GetByRole(AriaRole.Row).Nth(1)).ToContainTextAsync("Expired credential"); // newest first
        await Expect(Page.GetByRole(AriaRole.Img, new() { Name = "Tokens issued per day" })).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex(@"2 in all \(client_credentials 2\)"));

        // The dashboard: the three failures in the last 24 hours, this client first, linked to its Activity tab.
        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Admin" }).GetByRole(AriaRole.Link, new() { Name = "Dashboard" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Failed authentications in the last 24 hours: 3" })).ToBeVisibleAsync();
        var failing = Page.GetByRole(AriaRole.Table, new() { Name = "Client IDs that failed most in the last 24 hours" }).GetByRole(AriaRole.Row).Nth(1);
        await Expect(failing).ToContainTextAsync(clientId);
        await Expect(failing.GetByRole(AriaRole.Cell).Last).ToHaveTextAsync("3");
        await Expect(Page.GetByRole(AriaRole.Table, new() { Name = "The latest changes" })).ToContainTextAsync(Name);
        await failing.GetByRole(AriaRole.Link, new() { Name = Name }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Auth Client Activity" })).ToBeVisibleAsync();

        // The Audit Log, filtered to this client: created, disabled, enabled, its secret copied.
        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Admin" }).GetByRole(AriaRole.Link, new() { Name = "Audit Log" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Audit Log", Exact = true })).ToBeVisibleAsync();
        await Page.GetByLabel("Target kind").SelectOptionAsync(new SelectOptionValue { Label = "Auth client" });
        await Page.GetByLabel("Target id").FillAsync(clientId);
        await Page.GetByLabel("From").FillAsync(today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        var events = Page.Locator("table.audit-log tbody tr");
        await Expect(events).ToHaveCountAsync(4);
        await Expect(events.Filter(new() { HasText = "Client created" })).ToHaveCountAsync(1);
        await Expect(events.Filter(new() { HasText = "Secret copied" })).ToHaveCountAsync(1);
        await Expect(events.Filter(new() { HasText = "Client updated" })).ToHaveCountAsync(2);
        Assert.Contains($"target={clientId}", Page.Url, StringComparison.Ordinal); // the filters are in the URL
        Assert.DoesNotContain(secret, await Page.ContentAsync(), StringComparison.Ordinal);

        // Narrowed to credentials: only the copy.
        await Page.GetByLabel("Kind of event").SelectOptionAsync(new SelectOptionValue { Label = "Credentials (secrets and keys)" });
        await Page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(events).ToHaveCountAsync(1);
        await Expect(events).ToContainTextAsync("Secret copied");

        // The CSV of the client's events, read back with a CSV parser.
        await Page.GetByLabel("Kind of event").SelectOptionAsync(new SelectOptionValue { Label = "Any" });
        await Page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(events).ToHaveCountAsync(4);
        var download = await Page.RunAndWaitForDownloadAsync(() => Page.GetByRole(AriaRole.Link, new() { Name = "Export CSV" }).ClickAsync());
        var csvText = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.DoesNotContain(secret, csvText, StringComparison.Ordinal);
        using (var csv = new CsvReader(new StringReader(csvText), CultureInfo.InvariantCulture))
        {
            var records = csv.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();
            Assert.Equal(4, records.Count);
            Assert.All(records, r => Assert.Equal(clientId, r["target_id"]));
            Assert.Equal(
                [AuditActions.AuthClientCreated, AuditActions.AuthClientSecretCopied, AuditActions.AuthClientUpdated, AuditActions.AuthClientUpdated],
                records.Select(r => (string)r["action"]).Order(StringComparer.Ordinal));
            var disabled = records.Single(r => ((string)r["changes"]).Contains("\"to\":false", StringComparison.Ordinal));
            Assert.Equal(AuthClientsAppFactory.AdminEmail, disabled["actor_name"]);
        }

        // The mistyped password, among the sign-in events.
        await Page.GetByRole(AriaRole.Link, new() { Name = "Clear filters" }).ClickAsync();
        await Page.GetByLabel("Kind of event").SelectOptionAsync(new SelectOptionValue { Label = "Sign-in (success, failure, lockout)" });
        await Page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(events.Filter(new() { HasText = "Sign-in failed" })).ToHaveCountAsync(1);
        await Expect(events.Filter(new() { HasText = "Signed in" })).ToHaveCountAsync(1);
        Assert.Empty(Session.PageProblems);

        // Someone who may see clients but not the log: no sidebar entry, and 403 at its address.
        var viewer = await Session.App.CreateUserAsync(permissions: [Permissions.AuthClients.ViewKey]);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Page.SignInHereAsync(viewer, AuthClientsAppFactory.UserPassword);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Exact = true })).ToBeVisibleAsync();
        var sidebar = Page.GetByRole(AriaRole.Navigation, new() { Name = "Admin" });
        await Expect(sidebar.GetByRole(AriaRole.Link, new() { Name = "Auth Clients" })).ToBeVisibleAsync();
        await Expect(sidebar.GetByRole(AriaRole.Link, new() { Name = "Audit Log" })).ToHaveCountAsync(0);
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Recent changes" })).ToHaveCountAsync(0);
        var refused = await Page.GotoAsync("/admin/audit-log");
        Assert.Equal((int)HttpStatusCode.Forbidden, refused!.Status);
        var export = await Page.APIRequest.GetAsync("/admin/audit-log/export");
        Assert.Equal((int)HttpStatusCode.Forbidden, export.Status);
    }

    /// <summary>The client's edit page: the Enabled switch, saved.</summary>
    private async Task SetEnabledAsync(string clientId, bool enabled)
    {
        await Page.OpenAuthClientsAsync();

        // By its Client ID: a disabled client's name cell also holds the Disabled badge.
        var row = Page.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Cell, new() { Name = clientId, Exact = true }) });
        await row.GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        await Page.GetByLabel("Enabled", new() { Exact = true }).SetCheckedAsync(enabled);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(Page.GetByText(AuthClientsController.SavedMessage)).ToBeVisibleAsync();
    }

    /// <summary>The program hears the wrong-secret answer, whatever the reason (the reason is for the administrator).</summary>
    private async Task AssertRefusedAsync(string clientId, string secret)
    {
        var response = await Session.RequestClientTokenAsync(clientId, secret);
        Assert.Equal(HttpStatusCode.Unauthorized, response.HttpStatusCode);
        Assert.Equal("invalid_client", JsonDocument.Parse(response.Raw!).RootElement.GetProperty("error").GetString());
    }
}
