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

    [Fact]
    public async Task ActivityChart_RedrawsItsText_InTheModeChosenInTheThemeMenu()
    {
        await Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        var chart = await Session.OpenActivityChartOfAUsedClientAsync();

        // Chosen while the page is open: the chart is not drawn again by a page load.
        await Page.GetByRole(AriaRole.Button, new() { Name = "Theme" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Dark", Exact = true }).ClickAsync();
        await Expect(Page.Locator("html")).ToHaveAttributeAsync("data-bs-theme", "dark");

        var background = await Page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        foreach (var (what, script) in new[]
        {
            ("x-axis ticks", "c => c.chart.scales.x.options.ticks.color"),
            ("y-axis ticks", "c => c.chart.scales.y.options.ticks.color"),
            ("legend", "c => c.chart.legend.options.labels.color"),
        })
        {
            var colour = await chart.EvaluateAsync<string>(script);
            var ratio = await Page.ContrastAsync(colour, background);
            Assert.True(ratio >= 4.5, $"After choosing Dark, the chart's {what} are {colour} on {background}: {ratio}:1.");
        }

        Assert.True(Session.PageProblems.Count == 0, string.Join("\n", Session.PageProblems));
    }
}
