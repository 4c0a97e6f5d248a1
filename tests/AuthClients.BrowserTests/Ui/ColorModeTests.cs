using AuthClients.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuthClients.BrowserTests.Ui;

/// <summary>Dark mode: the system's setting by default; the Theme menu's choice overrides it and is remembered by this browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ColorModeTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    [Fact]
    public async Task Theme_FollowsTheSystem_UntilChosen_ThenTheChoiceIsRememberedAcrossPagesAndSignOut()
    {
        var html = Page.Locator("html");
        await Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await Page.SignInAsync();
        await Expect(html).ToHaveAttributeAsync("data-bs-theme", "dark");

        // The system switches while the page is open: the page follows at once.
        await Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await Expect(html).ToHaveAttributeAsync("data-bs-theme", "light");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Theme" }).ClickAsync();
        var dark = Page.GetByRole(AriaRole.Button, new() { Name = "Dark", Exact = true });
        await dark.ClickAsync();
        await Expect(html).ToHaveAttributeAsync("data-bs-theme", "dark");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Theme" }).ClickAsync();
        await Expect(dark).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "System", Exact = true })).ToHaveAttributeAsync("aria-pressed", "false");
        await Page.Keyboard.PressAsync("Escape");

        // Remembered on other pages, after signing out, and over the system's light setting.
        await Page.OpenAuthClientsAsync();
        await Expect(html).ToHaveAttributeAsync("data-bs-theme", "dark");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(html).ToHaveAttributeAsync("data-bs-theme", "dark");

        // System: back to following the browser.
        await Page.GetByRole(AriaRole.Button, new() { Name = "Theme" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "System", Exact = true }).ClickAsync();
        await Expect(html).ToHaveAttributeAsync("data-bs-theme", "light");
        await Page.ReloadAsync();
        await Expect(html).ToHaveAttributeAsync("data-bs-theme", "light");
        Assert.True(Session.PageProblems.Count == 0, string.Join("\n", Session.PageProblems));
    }
}
