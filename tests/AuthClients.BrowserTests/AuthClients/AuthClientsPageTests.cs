using System.Text.RegularExpressions;
using AuthClients.BrowserTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpenIddict.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace AuthClients.BrowserTests.AuthClients;

/// <summary>Admin > Auth Clients in real Chromium, driven the way a person uses it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AuthClientsPageTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    [Fact]
    public async Task Admin_CreatesClient_CopiesSecretOpenIddictAccepts_ThenDeletesIt()
    {
        const string name = "Nightly Billing Export";
        await Page.SignInAsync();
        await Page.OpenAuthClientsAsync();
        await Expect(Page.GetByText("No Data Available")).ToBeVisibleAsync();

        await Page.OpenCreateFormAsync();
        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await Page.GetByLabel("Enable Client Credentials Grant").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(Page.GetByText("The auth client was created.")).ToBeVisibleAsync();
        // In the live region once the page has loaded (it was not when the page was drawn): announced.
        await Expect(Page.Locator("[role=status][aria-live]")).ToContainTextAsync("The auth client was created.");
        var row = Page.ClientRow(name);
        await Expect(row.GetByRole(AriaRole.Cell).First).ToHaveTextAsync("1");

        await row.GetByRole(AriaRole.Button, new() { Name = "Copy Client Secret to Clipboard" }).ClickAsync();
        await Expect(row.GetByText("Copied")).ToBeVisibleAsync();
        var copied = await Page.EvaluateAsync<string>("() => navigator.clipboard.readText()");

        Assert.False(string.IsNullOrWhiteSpace(copied), "The clipboard is empty after Copy Client Secret to Clipboard.");
        Assert.True(await SecretIsAcceptedAsync("1", copied), "OpenIddict does not accept the secret on the clipboard for client 1.");
        Assert.False(await SecretIsAcceptedAsync("1", copied + "x"), "OpenIddict accepts a wrong secret: the check above proves nothing.");
        Assert.DoesNotContain(copied, await Page.ContentAsync(), StringComparison.Ordinal);

        await row.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        var dialog = Page.DeleteDialog();
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog).ToContainTextAsync($"Are you sure you want to delete the auth client {name}?");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();

        await Expect(Page.GetByText("The auth client was deleted.")).ToBeVisibleAsync();
        await Expect(Page.GetByText("No Data Available")).ToBeVisibleAsync();
        Assert.Null(await FindApplicationAsync("1"));
    }

    [Fact]
    public async Task AuthorizationCodeGrant_ShowsRedirectUrl_AndAnInvalidUrlIsExplainedNextToIt()
    {
        const string name = "Partner Portal";
        const string insecureUrl = "http://partner.example.com/callback";
        await Page.SignInAsync();
        await Page.OpenAuthClientsAsync();
        await Page.OpenCreateFormAsync();

        var redirectUrl = Page.GetByRole(AriaRole.Textbox, new() { Name = "Redirect URL", Exact = true });
        await Expect(redirectUrl).ToBeHiddenAsync();
        await Page.GetByLabel("Enable Authorization Code Grant").CheckAsync();
        await Expect(redirectUrl).ToBeVisibleAsync();

        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        await redirectUrl.FillAsync(insecureUrl);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        // Same page, the message beside the field, and nothing typed is lost.
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Create Auth-Client" })).ToBeVisibleAsync();
        await Expect(redirectUrl.Locator("xpath=..")).ToContainTextAsync(
            "The Redirect URL must use https; http is allowed only for localhost and 127.0.0.1.");
        await Expect(redirectUrl).ToBeVisibleAsync();
        await Expect(redirectUrl).ToHaveValueAsync(insecureUrl);
        await Expect(Page.GetByLabel("Name", new() { Exact = true })).ToHaveValueAsync(name);
        await Expect(Page.GetByLabel("Enable Authorization Code Grant")).ToBeCheckedAsync();
        Assert.Null(await FindApplicationAsync("1"));

        // Unticking hides the field again.
        await Page.GetByLabel("Enable Authorization Code Grant").UncheckAsync();
        await Expect(redirectUrl).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Pages_RaiseNoCspViolationsOrScriptErrors_AndEscapeClosesTheDeleteDialog()
    {
        const string name = "Inventory Sync";
        await Page.SignInAsync();
        await Page.OpenAuthClientsAsync();
        await Page.CreateClientAsync(name, clientCredentials: true, redirectUrl: "https://inventory.example.com/callback");

        var row = Page.ClientRow(name);
        await row.GetByRole(AriaRole.Button, new() { Name = "Copy Client Secret to Clipboard" }).ClickAsync();
        await Expect(row.GetByText("Copied")).ToBeVisibleAsync();

        var delete = row.GetByRole(AriaRole.Button, new() { Name = "Delete" });
        await delete.ClickAsync();
        var dialog = Page.DeleteDialog();
        await Expect(dialog).ToBeVisibleAsync();
        // Focus moves into the dialog once it has opened; that is where a keyboard user is.
        await Expect(dialog).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(delete).ToBeFocusedAsync();
        await Expect(row).ToBeVisibleAsync();

        await row.GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Edit Auth Client" })).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Textbox, new() { Name = "Redirect URL", Exact = true })).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();
        await Page.GetByLabel("Per page").SelectOptionAsync("25");
        await Expect(Page).ToHaveURLAsync(new Regex("perPage=25"));
        await Expect(Page.ClientRow(name)).ToBeVisibleAsync();

        Assert.Empty(Session.PageProblems);
        Assert.Empty(Session.App.LoggedErrors);

        // The watch itself works: an inline script, which the policy forbids, is reported.
        await Page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'void 0'; document.body.append(s); }");
        Assert.True(await Session.WaitForProblemAsync("CSP violation"), "An inline script ran or went unreported: the watch for CSP violations does not work.");
    }

    private async Task<object?> FindApplicationAsync(string clientId)
    {
        await using var scope = Session.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().FindByClientIdAsync(clientId);
    }

    private async Task<bool> SecretIsAcceptedAsync(string clientId, string secret)
    {
        await using var scope = Session.App.Services.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var application = await manager.FindByClientIdAsync(clientId) ?? throw new InvalidOperationException($"No client {clientId}.");
        return await manager.ValidateClientSecretAsync(application, secret);
    }
}
