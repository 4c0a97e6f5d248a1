using System.Net.Http.Headers;
using AuthClients.BrowserTests.Infrastructure;
using AuthClients.Web.Connect;
using AuthClients.Web.Features.AuthClients;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuthClients.BrowserTests.Api;

/// <summary>What an API consumer meets in the browser: the API documentation and the API Tokens tab.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiPagesTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    [Fact]
    public async Task ApiDocumentation_RendersUnderTheStrictCsp_WithAnAuthorizeButton()
    {
        await Page.GotoAsync("/api/documentation");

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "AuthClients API 1.0" })).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Authorize" })).ToBeVisibleAsync();
        await Expect(Page.GetByText("/api/1.0/auth-clients").First).ToBeVisibleAsync();
        Assert.False(Session.PageProblems.Any(p => p.Contains("CSP", StringComparison.Ordinal)), string.Join("\n", Session.PageProblems));
    }

    [Fact]
    public async Task ApiDocumentation_AuthorizeWithClientCredentials_ThenTryItOutCallsTheApi()
    {
        var client = await Session.App.CreateClientAsync(new AuthClientSettings
        {
            Name = "Swagger Explorer",
            Grants = new(ClientCredentials: true),
            Scopes = [OAuthScopes.AuthClientsRead],
        });
        await Page.GotoAsync("/api/documentation");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Authorize", Exact = true }).ClickAsync();
        var dialog = Page.Locator(".dialog-ux"); // Swagger UI's modal has no dialog role
        await dialog.GetByLabel("client_id:").FillAsync(client.ClientId);
        await dialog.GetByLabel("client_secret:").FillAsync(client.Secret!);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Apply given OAuth2 credentials" }).ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Remove authorization" }).Or(dialog.GetByRole(AriaRole.Button, new() { Name = "Logout" }))).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Close" }).First.ClickAsync();

        await Page.GetByRole(AriaRole.Button, new() { Name = "GET /api/1.0/auth-clients", Exact = true }).ClickAsync();
        var list = Page.Locator(".opblock.is-open");
        await list.GetByRole(AriaRole.Button, new() { Name = "Try it out" }).ClickAsync();
        await list.GetByRole(AriaRole.Button, new() { Name = "Execute" }).ClickAsync();

        var live = list.Locator(".live-responses-table td.response-col_status:not(.col_header)");
        await Expect(live).ToHaveTextAsync("200");
        await Expect(list.Locator(".live-responses-table")).ToContainTextAsync("Swagger Explorer");
        Assert.Empty(Session.PageProblems);
    }

    [Fact]
    public async Task ApiTokensTab_CreatesATokenShownOnce_ThatCopiesAndCallsTheApi()
    {
        await Page.SignInAsync();
        await Page.OpenAuthClientsAsync();
        await Page.CreateClientAsync("Personal Access Tokens", clientCredentials: false, personalAccessTokens: true);

        await Page.GotoAsync("/profile/api-tokens");
        await Page.GetByLabel("Name").FillAsync("release script");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        await Expect(Page.GetByText("Your new token is shown once")).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Copy token to clipboard" }).ClickAsync();
        await Expect(Page.GetByText("Copied")).ToBeVisibleAsync();
        var token = await Page.EvaluateAsync<string>("() => navigator.clipboard.readText()");

        using var http = new HttpClient { BaseAddress = new Uri(Session.App.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = await http.GetAsync("/api/1.0/me");
        Assert.True(me.IsSuccessStatusCode, $"The copied token was refused: {(int)me.StatusCode}");

        await Page.ReloadAsync();
        await Expect(Page.GetByRole(AriaRole.Cell, new() { Name = "release script", Exact = true })).ToHaveCountAsync(1);
        await Expect(Page.GetByText("Your new token is shown once")).ToHaveCountAsync(0);
        Assert.DoesNotContain(token, await Page.ContentAsync(), StringComparison.Ordinal);
        Assert.Empty(Session.PageProblems);
    }
}
