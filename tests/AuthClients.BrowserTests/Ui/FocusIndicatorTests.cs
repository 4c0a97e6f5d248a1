using AuthClients.BrowserTests.Infrastructure;
using AuthClients.Web.Authorization;
using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Hosting;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuthClients.BrowserTests.Ui;

/// <summary>
/// What axe-core cannot judge about the keyboard: that the focus indicator of every control on every
/// admin page stands out from what is around it (3:1, WCAG 2.2 1.4.11), in both colour modes; and that
/// every link drawn and named as a button answers Space as a button does.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FocusIndicatorTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    // More Tab presses than the longest page has stops; the walk ends earlier when the focus comes round again.
    private const int MaxTabs = 150;

    // The focused element's name, its indicator's colour (null when none is drawn) and the background it is
    // drawn on. The outline lies outside the element (outline-offset), so its background is the nearest opaque
    // one of the parent; an element without an outline must have a box-shadow ring, drawn over its own.
    private const string FocusIndicatorScript = """
        () => {
          const e = document.activeElement, s = getComputedStyle(e);
          const background = from => { let p = from, bg; while (p && (bg = getComputedStyle(p).backgroundColor) === 'rgba(0, 0, 0, 0)') p = p.parentElement; return p ? bg : 'rgb(255, 255, 255)'; };
          const outlined = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
          const ring = outlined ? s.outlineColor : (s.boxShadow.match(/rgba?\([^)]*\)/) || [null])[0];
          const name = `${e.tagName.toLowerCase()} "${(e.getAttribute('aria-label') || e.textContent || e.name || '').trim().slice(0, 40)}"`;
          return [name, ring, background(outlined && parseFloat(s.outlineOffset) > 0 ? e.parentElement : e)];
        }
        """;

    // True while Tab brings the focus to a control not met before on this page (false once it leaves the page or comes round).
    private const string FocusMovedOnScript = """
        () => {
          const e = document.activeElement, seen = (window.focusWalk ??= new WeakSet());
          if (e === document.body || seen.has(e)) return false;
          seen.add(e);
          return true;
        }
        """;

    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task FocusIndicator_OfEveryControlOnEveryAdminPage_ContrastsThreeToOne(ColorScheme scheme)
    {
        // Reduced motion: Bootstrap then draws hover and focus states without transitions, so what is measured is settled.
        await Page.EmulateMediaAsync(new() { ColorScheme = scheme, ReducedMotion = ReducedMotion.Reduce });
        var client = await Session.App.CreateClientAsync(new AuthClientSettings { Name = "Billing Service", Grants = new(ClientCredentials: true) });
        await Session.App.CreateUserAsync(permissions: [Permissions.AuthClients.ViewKey]);
        await Page.SignInAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Exact = true })).ToBeVisibleAsync();

        var pages = new[]
        {
            Routes.Dashboard, Routes.AuthClients, Routes.AuthClients + "/create", $"{Routes.AuthClients}/{client.Id}/edit",
            $"{Routes.AuthClients}/{client.Id}/activity", Routes.Users, Routes.Users + "/create", Routes.Groups,
            Routes.AuditLog, Routes.Profile, Routes.Profile + "/api-tokens",
        };
        var failures = new List<string>();
        foreach (var path in pages)
        {
            await Page.GotoAsync(path);
            var stops = 0;
            for (var presses = 0; presses < MaxTabs; presses++)
            {
                await Page.Keyboard.PressAsync("Tab");
                if (!await Page.EvaluateAsync<bool>(FocusMovedOnScript)) break;
                stops++;
                var indicator = await Page.EvaluateAsync<string?[]>(FocusIndicatorScript);
                var (name, ring, background) = (indicator[0], indicator[1], indicator[2]!);
                if (ring is null) failures.Add($"{path}: {name}: no focus indicator");
                else if (await Page.ContrastAsync(ring, background) is var ratio and < 3) failures.Add($"{path}: {name}: {ring} on {background} is {ratio}:1");
            }

            Assert.True(stops >= 3, $"Tab reached only {stops} controls on {path}: the walk did not run.");
        }

        Assert.True(failures.Count == 0, $"Focus indicators in {scheme} mode below 3:1 or not drawn:\n{string.Join("\n", failures.Distinct())}");
    }

    [Theory]
    [InlineData(Routes.AuthClients)]
    [InlineData(Routes.Users)]
    [InlineData(Routes.Groups)]
    public async Task EveryLinkNamedAsAButton_OpensItsPage_WithSpace(string list)
    {
        await Session.App.CreateClientAsync(new AuthClientSettings { Name = "Billing Service", Grants = new(ClientCredentials: true) });
        await Page.SignInAsync();
        await Page.GotoAsync(list);
        var links = Page.Locator("a[role=button][href]");
        var count = await links.CountAsync();
        Assert.True(count >= 1, $"{list} has no link drawn as a button.");

        for (var index = 0; index < count; index++)
        {
            await Page.GotoAsync(list);
            var link = links.Nth(index);
            var href = await link.GetAttributeAsync("href");
            await link.FocusAsync();
            await Page.Keyboard.PressAsync("Space");
            await Expect(Page).ToHaveURLAsync(new Uri(new Uri(Page.Url), href).ToString());
        }
    }
}
