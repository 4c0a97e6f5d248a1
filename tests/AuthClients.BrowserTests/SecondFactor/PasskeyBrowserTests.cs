using AuthClients.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuthClients.BrowserTests.SecondFactor;

/// <summary>
/// Passkeys in real Chromium with a virtual authenticator (the DevTools protocol's WebAuthn domain):
/// added on the profile's Sign-in security tab, then signing in alone from the sign-in page, under
/// the strict CSP, and the pages pass axe-core.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PasskeyBrowserTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    protected override bool ReachAppAsLocalhost => true;

    [Fact]
    public async Task Passkey_AddedOnTheProfile_SignsInWithoutAPassword()
    {
        await Page.AddVirtualAuthenticatorAsync();
        await Page.SignInAsync();
        await Page.OpenSignInSecurityAsync();
        await Page.AssertNoSeriousViolationsAsync("the Sign-in security tab");

        await Page.GetByLabel("Passkey name").FillAsync("Work laptop");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();

        await Expect(Page.GetByText("The passkey was added.")).ToBeVisibleAsync();
        var row = Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Work laptop" });
        await Expect(row.GetByRole(AriaRole.Cell).Nth(2)).ToHaveTextAsync("never");
        await Page.AssertNoSeriousViolationsAsync("the Sign-in security tab with a passkey");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Exact = true })).ToBeVisibleAsync();
        await Page.OpenSignInSecurityAsync();
        await Expect(row.GetByRole(AriaRole.Cell).Nth(2)).ToContainTextAsync("UTC");
        Assert.Empty(Session.PageProblems);
    }

    [Fact]
    public async Task Passkey_Removed_NoLongerSignsIn()
    {
        await Page.AddVirtualAuthenticatorAsync();
        await Page.SignInAsync();
        await Page.OpenSignInSecurityAsync();
        await Page.GetByLabel("Passkey name").FillAsync("Old key");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        await Expect(Page.GetByText("The passkey was added.")).ToBeVisibleAsync();

        await Page.GetByRole(AriaRole.Button, new() { Name = "Remove passkey Old key" }).ClickAsync();
        await Expect(Page.GetByText("The passkey was removed.")).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();

        // The authenticator still offers its credential; the server no longer knows it.
        await Expect(Page.GetByText("That passkey cannot sign in here.")).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }
}
