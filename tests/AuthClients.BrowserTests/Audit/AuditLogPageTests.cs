using System.Text.RegularExpressions;
using AuthClients.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuthClients.BrowserTests.Audit;

/// <summary>
/// The Audit Log in real Chromium under the app's CSP: an administrator makes a change, finds it
/// through the sidebar and the filters, narrows to its target by clicking it, and downloads the
/// filtered events as CSV.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AuditLogPageTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    [Fact]
    public async Task ChangeMadeOnAClient_IsFoundWithTheFilters_AndExported()
    {
        var name = $"Audited {Guid.NewGuid():N}";
        await Page.SignInAsync();
        await Page.OpenAuthClientsAsync();
        await Page.CreateClientAsync(name);

        await Page.GetByRole(AriaRole.Navigation, new() { Name = "Admin" }).GetByRole(AriaRole.Link, new() { Name = "Audit Log" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Audit Log", Exact = true })).ToBeVisibleAsync();
        await Page.GetByLabel("Kind of event").SelectOptionAsync(new SelectOptionValue { Label = "Client created" });
        await Page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("action=auth-client.created"));

        var row = Page.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }) });
        await Expect(row.GetByRole(AriaRole.Cell).Nth(3)).ToHaveTextAsync("Client created");
        await row.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("targetType=auth-client&target=\\d+"));
        await Expect(Page.GetByRole(AriaRole.Row)).ToHaveCountAsync(2); // the header and the one event

        var download = await Page.RunAndWaitForDownloadAsync(() => Page.GetByRole(AriaRole.Link, new() { Name = "Export CSV" }).ClickAsync());
        Assert.Matches(@"^audit-log-\d{4}-\d{2}-\d{2}\.csv$", download.SuggestedFilename);
        var lines = (await File.ReadAllTextAsync((await download.PathAsync())!)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("auth-client.created", lines[1], StringComparison.Ordinal);
        Assert.Contains(name, lines[1], StringComparison.Ordinal);
        Assert.Empty(Session.PageProblems);
    }
}
