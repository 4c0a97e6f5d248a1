using System.Net;
using System.Text.Json;
using AuthClients.BrowserTests.Infrastructure;
using AuthClients.Web.Areas.Admin.Controllers;
using AuthClients.Web.Connect;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuthClients.BrowserTests.AuthClients;

/// <summary>
/// Rotating a client's secret in Chromium as an administrator does it: the programs using the old
/// secret keep getting tokens through the grace period, the new secret is copied from the clipboard
/// (never shown in the page), and "Revoke now" ends the old one at the token endpoint at once.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CredentialRotationTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    [Fact]
    public async Task Admin_RotatesWithSevenDaysGrace_BothSecretsGetTokens_ThenRevokesTheOldOne()
    {
        const string name = "Ledger Sync";
        const string label = "Rotated in Chromium";
        await Page.SignInAsync();
        await Page.OpenAuthClientsAsync();
        await Page.CreateClientAsync(name, clientCredentials: true);
        var row = Page.ClientRow(name);
        var clientId = (await row.GetByRole(AriaRole.Cell).First.TextContentAsync())!.Trim();
        var old = await Page.CopySecretAsync(row);

        await row.GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Credentials" })).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog, new() { Name = "Rotate secret" });
        await Expect(dialog).ToBeVisibleAsync();
        var grace = dialog.GetByLabel("The previous secret keeps working for");
        await Expect(grace).ToHaveValueAsync("7.00:00:00");
        await grace.SelectOptionAsync(new SelectOptionValue { Label = "7 days" });
        await dialog.GetByLabel("Label (optional)").FillAsync(label);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();

        await Expect(Page.GetByText(AuthClientsController.SecretRotatedMessage)).ToBeVisibleAsync();
        var credentials = Page.Locator("table.credentials tbody tr");
        var renewed = credentials.Filter(new() { HasText = label });
        var previous = credentials.Filter(new() { HasText = "valid until" });
        await Expect(renewed).ToContainTextAsync("active");
        await Expect(previous).ToContainTextAsync("expiring soon");
        await Expect(previous).ToContainTextAsync("not used since the new secret was created");
        var secret = await Page.CopySecretAsync(renewed);

        Assert.NotEqual(old, secret);
        Assert.DoesNotContain(secret, await Page.ContentAsync(), StringComparison.Ordinal);
        Assert.Null((await Session.RequestClientTokenAsync(clientId, old)).Error);
        Assert.Null((await Session.RequestClientTokenAsync(clientId, secret)).Error);

        // Both uses appear once the instance has written them, with the address. The test writes
        // them itself rather than waiting for the timer, which a loaded machine can delay.
        await Session.App.Services.GetRequiredService<ClientUsageFlush>().FlushAsync();
        await Page.ReloadAsync();
        await Expect(previous.Locator(".previous-use")).ToContainTextAsync("last used");
        await Expect(previous.Locator(".previous-use")).ToContainTextAsync("from 127.0.0.1");
        await Expect(renewed).ToContainTextAsync("from 127.0.0.1");

        await previous.GetByRole(AriaRole.Button, new() { Name = "Revoke now" }).ClickAsync();
        var confirm = Page.DeleteDialog();
        await Expect(confirm).ToContainTextAsync("Are you sure you want to revoke the credential");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();

        await Expect(Page.GetByText(AuthClientsController.RevokedMessage)).ToBeVisibleAsync();
        await Expect(credentials.Filter(new() { HasText = "revoked" })).ToHaveCountAsync(1);
        // Duende reports a 401 as an HTTP error (Error is the reason phrase): the OAuth error is in the body.
        var refused = await Session.RequestClientTokenAsync(clientId, old);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.HttpStatusCode);
        Assert.Equal("invalid_client", JsonDocument.Parse(refused.Raw!).RootElement.GetProperty("error").GetString());
        var stillWorks = await Session.RequestClientTokenAsync(clientId, secret);
        Assert.Null(stillWorks.Error);
        Assert.False(string.IsNullOrEmpty(stillWorks.AccessToken));
        await Page.OpenAuthClientsAsync();
        await Expect(Page.ClientRow(name)).Not.ToContainTextAsync("never");
        Assert.Empty(Session.PageProblems);
    }
}
