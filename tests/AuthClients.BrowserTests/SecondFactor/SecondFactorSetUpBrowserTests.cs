using AuthClients.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuthClients.BrowserTests.SecondFactor;

/// <summary>
/// The forced set-up: with Security:RequireSecondFactor = SuperAdmins, a Super Admin without a
/// second factor lands on the Sign-in security tab after signing in, cannot open the admin pages,
/// sets up an authenticator app from the shown key (the code computed as an app would), sees the
/// recovery codes once, and from then on signs in with password and code. One who sets up only a
/// passkey (a virtual authenticator) must sign in with it: the password alone is refused. axe-core
/// on each page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SecondFactorSetUpBrowserTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    // Passkeys need a host name WebAuthn accepts.
    protected override bool ReachAppAsLocalhost => true;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } =
        new Dictionary<string, string?> { ["Security:RequireSecondFactor"] = "SuperAdmins", ["Security:RememberBrowserDays"] = "7" };

    [Fact]
    public async Task SuperAdminWithoutASecondFactor_IsHeldAtSetUp_ThenSignsInWithTheCode()
    {
        await Page.SignInAsync();

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Authenticator app" })).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "must have a second factor" })).ToBeVisibleAsync();
        await Page.AssertNoSeriousViolationsAsync("the Sign-in security tab, set-up required");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Admin" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Authenticator app" })).ToBeVisibleAsync();

        var key = await Page.Locator("[data-authenticator-key]").InnerTextAsync();
        await Page.GetByLabel("Code from the app").FillAsync(SecondFactorPages.CodeFor(key));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Verify and turn on" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Your recovery codes" })).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-recovery-codes] li")).ToHaveCountAsync(10);
        await Page.AssertNoSeriousViolationsAsync("the recovery codes");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Admin" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Exact = true })).ToBeVisibleAsync();

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Page.SignInHereAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Two-factor authentication" })).ToBeVisibleAsync();
        await Page.AssertNoSeriousViolationsAsync("the sign-in page's code step");
        await Page.GetByLabel("Authentication code").FillAsync(SecondFactorPages.CodeFor(key));
        await Page.GetByLabel("Remember this browser for 7 days").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Exact = true })).ToBeVisibleAsync();
        Assert.Empty(Session.PageProblems);
    }

    [Fact]
    public async Task RecoveryCodePage_PassesAxe()
    {
        await Page.SignInAsync();
        var key = await Page.Locator("[data-authenticator-key]").InnerTextAsync();
        await Page.GetByLabel("Code from the app").FillAsync(SecondFactorPages.CodeFor(key));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Verify and turn on" }).ClickAsync();
        var code = await Page.Locator("[data-recovery-codes] li").First.InnerTextAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Page.SignInHereAsync();

        await Page.GetByRole(AriaRole.Link, new() { Name = "Use a recovery code instead" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in with a recovery code" })).ToBeVisibleAsync();
        await Page.AssertNoSeriousViolationsAsync("the recovery code page");
        await Page.GetByLabel("Recovery code").FillAsync(code);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Exact = true })).ToBeVisibleAsync();
        Assert.Empty(Session.PageProblems);
    }

    [Fact]
    public async Task CoveredUserWithOnlyAPasskey_IsRefusedThePasswordAlone_AndSignsInWithThePasskey()
    {
        await Page.AddVirtualAuthenticatorAsync();
        await Page.SignInAsync();
        await Expect(Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "must have a second factor" })).ToBeVisibleAsync();
        await Page.GetByLabel("Passkey name").FillAsync("Work laptop");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();
        await Expect(Page.GetByText("The passkey was added.")).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Page.SignInHereAsync();

        await Expect(Page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "use \"Sign in with a passkey\" below" })).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        Assert.DoesNotContain(await Page.Context.CookiesAsync(), c => c.Name == "AuthClients.Session");
        await Page.AssertNoSeriousViolationsAsync("the sign-in page refusing the password alone");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Exact = true })).ToBeVisibleAsync();
        Assert.Empty(Session.PageProblems);
    }
}
