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

    // For the focused element: null when its indicator is drawn and contrasts at least 3:1, else why not.
    // The outline is drawn outside the element (outline-offset), so it is judged against the nearest opaque
    // background of its parent; an element without an outline must have a box-shadow ring, judged against its own.
    private const string FocusProblemScript = """
        () => {
          const e = document.activeElement;
          const parse = c => { const m = c.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
          const lum = c => { const ch = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b); };
          const background = from => { let p = from, bg; while (p && (bg = getComputedStyle(p).backgroundColor) === 'rgba(0, 0, 0, 0)') p = p.parentElement; return p ? bg : 'rgb(255, 255, 255)'; };
          const s = getComputedStyle(e);
          const outlined = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
          const ring = outlined ? s.outlineColor : (s.boxShadow.match(/rgba?\([^)]*\)/) || [null])[0];
          const name = `${e.tagName.toLowerCase()} "${(e.getAttribute('aria-label') || e.textContent || e.name || '').trim().slice(0, 40)}"`;
          if (!ring) return `${name}: no focus indicator`;
          const bg = background(outlined && parseFloat(s.outlineOffset) > 0 ? e.parentElement : e);
          const f = parse(ring), b = parse(bg);
          const mix = { r: f.r * f.a + b.r * (1 - f.a), g: f.g * f.a + b.g * (1 - f.a), b: f.b * f.a + b.b * (1 - f.a) };
          const [l1, l2] = [lum(mix), lum(b)].sort((x, y) => y - x);
          const ratio = (l1 + 0.05) / (l2 + 0.05);
          return ratio >= 3 ? null : `${name}: ${ring} on ${bg} is ${ratio.toFixed(2)}:1`;
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
                if (await Page.EvaluateAsync<string?>(FocusProblemScript) is { } problem) failures.Add($"{path}: {problem}");
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
