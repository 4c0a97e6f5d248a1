using AuthClients.BrowserTests.Infrastructure;
using AuthClients.Web.Authorization;
using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Hosting;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuthClients.BrowserTests.Ui;

/// <summary>
/// The pages on a phone (375 px), a tablet (768 px) and a laptop (1280 px): the page never scrolls
/// sideways, every row's actions are on the screen, and axe-core finds nothing serious in that
/// layout. The data is made long on purpose (long names, a long unbroken group name, long redirect
/// URLs), the way real data sometimes is.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ResponsiveTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    private const int Phone = 375;

    [Theory]
    [InlineData(Phone)]
    [InlineData(768)]
    [InlineData(1280)]
    public async Task MainPages_DoNotScrollSideways_AndEveryRowsActionsAreOnScreen(int width)
    {
        await Page.SetViewportSizeAsync(width, 800);
        var client = await Session.App.CreateClientAsync(new AuthClientSettings
        {
            Name = "Customer Portal for the Northern Region Subsidiaries and Partners",
            Grants = new(AuthorizationCode: true, ClientCredentials: true),
            RedirectUris = ["https://customer-portal.northern-region.example.com/authentication/signin-oidc-callback"],
        });
        await Session.App.CreateClientAsync(new AuthClientSettings { Name = "Billing", Grants = new(ClientCredentials: true) });
        await Session.App.CreateUserAsync(
            email: "a.very.long.address.for.someone@subsidiary-of-the-northern-region.example.com",
            permissions: [Permissions.AuthClients.ViewKey],
            groupPermissions: [Permissions.AuthClients.ViewKey]);
        await Page.GotoAsync(Routes.SignIn);
        await AssertNoSidewaysScrollAsync("the sign-in page");
        await Page.SignInHereAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Exact = true })).ToBeVisibleAsync();

        var pages = new[]
        {
            Routes.Dashboard, Routes.AuthClients, Routes.AuthClients + "/create", $"{Routes.AuthClients}/{client.Id}/edit",
            $"{Routes.AuthClients}/{client.Id}/activity", Routes.Users, Routes.Users + "/create", Routes.Groups,
            Routes.Groups + "/create", Routes.AuditLog, Routes.Profile, Routes.Profile + "/api-tokens",
        };
        foreach (var path in pages)
        {
            await Page.GotoAsync(path);
            await AssertNoSidewaysScrollAsync(path);
            await AssertRowActionsOnScreenAsync(path);
            await Page.AssertNoSeriousViolationsAsync($"{path} at {width} px");
        }

        // The delete dialog fits the window too, its buttons on screen.
        await Page.GotoAsync(Routes.AuthClients);
        await Page.Locator("tbody").GetByRole(AriaRole.Button, new() { Name = "Delete" }).First.ClickAsync();
        await Page.DeleteDialog().WaitUntilShownAsync();
        await AssertOnScreenAsync(Page.DeleteDialog().GetByRole(AriaRole.Button, new() { Name = "Confirm" }), "the delete dialog's Confirm");
        await AssertOnScreenAsync(Page.DeleteDialog().GetByRole(AriaRole.Button, new() { Name = "Cancel" }), "the delete dialog's Cancel");
        await Page.AssertNoSeriousViolationsAsync($"the delete dialog at {width} px");
        await Page.Keyboard.PressAsync("Escape");

        await Page.GotoAsync(Routes.Groups);
        var members = await Page.Locator("tbody").GetByRole(AriaRole.Button, new() { Name = "Edit" }).First.GetAttributeAsync("href");
        await Page.GotoAsync(members!.Replace("/edit", "/members", StringComparison.Ordinal));
        await AssertNoSidewaysScrollAsync("a group's Members tab");
        await AssertRowActionsOnScreenAsync("a group's Members tab");
    }

    [Fact]
    public async Task OnAPhone_TheTopBarAndSidebarFoldIntoMenus_ThatOpenWithTheirButtons()
    {
        await Page.SetViewportSizeAsync(Phone, 800);
        await Page.SignInAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Exact = true })).ToBeVisibleAsync();

        // The page's own content comes first: the heading is in the first screen, the menus are folded.
        var signOut = Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" });
        var adminLinks = Page.GetByRole(AriaRole.Navigation, new() { Name = "Admin" }).GetByRole(AriaRole.Link, new() { Name = "Auth Clients" });
        await Expect(signOut).ToBeHiddenAsync();
        await Expect(adminLinks).ToBeHiddenAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Exact = true })).ToBeInViewportAsync();

        var menu = Page.GetByRole(AriaRole.Button, new() { Name = "Menu", Exact = true });
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
        await menu.ClickAsync();
        await Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(signOut).ToBeInViewportAsync();
        await AssertOnScreenAsync(signOut, "Sign out");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Admin menu" }).ClickAsync();
        await Expect(adminLinks).ToBeVisibleAsync();
        await adminLinks.ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Auth Clients", Exact = true })).ToBeVisibleAsync();
        await AssertNoSidewaysScrollAsync("the Auth Clients list");
    }

    private async Task AssertNoSidewaysScrollAsync(string what)
    {
        var widths = await Page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        var (scrollWidth, clientWidth) = (widths[0], widths[1]);
        Assert.True(scrollWidth <= clientWidth, $"{what} scrolls sideways: {scrollWidth} px wide in a {clientWidth} px window.");
    }

    /// <summary>Each row's buttons and links (Edit, Delete, Activity, Remove, Revoke) are shown and fully inside the window.</summary>
    private async Task AssertRowActionsOnScreenAsync(string what)
    {
        var actions = Page.Locator("table.table-cards > tbody > tr").Locator("a.btn, button");
        var count = await actions.CountAsync();
        for (var i = 0; i < count; i++)
        {
            await AssertOnScreenAsync(actions.Nth(i), $"{what}: {await actions.Nth(i).GetAttributeAsync("aria-label") ?? await actions.Nth(i).TextContentAsync()}");
        }
    }

    private async Task AssertOnScreenAsync(ILocator element, string what)
    {
        await Expect(element).ToBeVisibleAsync();
        var box = await element.BoundingBoxAsync() ?? throw new InvalidOperationException($"{what} has no box.");
        var width = Page.ViewportSize!.Width;
        Assert.True(box.X >= 0 && box.X + box.Width <= width, $"{what} is outside the {width} px window (x {box.X}, width {box.Width}).");
    }
}
