using AuthClients.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuthClients.BrowserTests.SecondFactor;

/// <summary>
/// With Security:RequireSecondFactor = SuperAdmins, a Super Admin whose only second factor is a
/// passkey (made by a virtual authenticator during the forced set-up) cannot sign in with the
/// password alone: the sign-in page says to use the passkey and starts no session; the passkey
/// then signs in. axe-core on the refusal.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PasskeyRequiredBrowserTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    protected override bool ReachAppAsLocalhost => true;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } =
        new Dictionary<string, string?> { ["Security:RequireSecondFactor"] = "SuperAdmins" };

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
