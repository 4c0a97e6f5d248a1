using AuthClients.BrowserTests.Infrastructure;
using AuthClients.Web.Areas.Admin.Controllers;
using AuthClients.Web.Features.AuthClients;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuthClients.BrowserTests.Ui;

/// <summary>
/// The Auth Clients page with the keyboard alone: Tab, Shift+Tab, Enter, Space and Escape, never a
/// click. Every stop on the way must show where the focus is; the delete dialog keeps focus inside,
/// closes on Escape and gives focus back to the button that opened it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class KeyboardTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    // Enough for the longest way to a control on these pages; a control not reached by then is not reachable.
    private const int MaxTabs = 80;

    [Fact]
    public async Task AuthClient_CreatedEditedCopiedAndDeleted_WithTheKeyboardOnly()
    {
        await Page.GotoAsync("/");
        await Expect(Page.GetByLabel("Email")).ToBeFocusedAsync();
        await Page.Keyboard.TypeAsync(AuthClientsAppFactory.AdminEmail);
        await TabToAsync(Page.GetByLabel("Password"));
        await Page.Keyboard.TypeAsync(AuthClientsAppFactory.AdminPassword);
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Exact = true })).ToBeVisibleAsync();

        await TabToAsync(Page.GetByRole(AriaRole.Navigation, new() { Name = "Admin" }).GetByRole(AriaRole.Link, new() { Name = "Auth Clients" }));
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Auth Clients", Exact = true })).ToBeVisibleAsync();

        // Create.
        await TabToAsync(Page.GetByRole(AriaRole.Button, new() { Name = "Create Auth Client" }));
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Create Auth-Client" })).ToBeVisibleAsync();
        await TabToAsync(Page.GetByLabel("Name", new() { Exact = true }));
        await Page.Keyboard.TypeAsync("Keyboard Service");
        await TabToAsync(Page.GetByLabel("Enable Client Credentials Grant"));
        await Page.Keyboard.PressAsync("Space");
        await Expect(Page.GetByLabel("Enable Client Credentials Grant")).ToBeCheckedAsync();
        await TabToAsync(Page.GetByRole(AriaRole.Button, new() { Name = "Save" }));
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByText(AuthClientsController.CreatedMessage)).ToBeVisibleAsync();

        // Copy the secret: the confirmation is announced (a status region) and the clipboard holds it.
        var row = Page.ClientRow("Keyboard Service");
        await TabToAsync(row.GetByRole(AriaRole.Button, new() { Name = "Copy Client Secret to Clipboard" }));
        await Page.Keyboard.PressAsync("Enter");
        await Expect(row.GetByRole(AriaRole.Status)).ToHaveTextAsync("Copied");
        var copied = await Page.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        var clientId = (await row.GetByRole(AriaRole.Cell).First.TextContentAsync())!.Trim();
        Assert.True((await Session.RequestClientTokenAsync(clientId, copied)).AccessToken is { Length: > 0 }, "The copied secret gets no token.");

        // Edit: back with Shift+Tab to the row's Edit button (it comes before the Delete button).
        await TabToAsync(row.GetByRole(AriaRole.Button, new() { Name = "Delete" }));
        await TabToAsync(row.GetByRole(AriaRole.Button, new() { Name = "Edit" }), backwards: true);
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Edit Auth Client" })).ToBeVisibleAsync();
        await TabToAsync(Page.GetByLabel("Name", new() { Exact = true }));
        await Page.Keyboard.PressAsync("ControlOrMeta+A");
        await Page.Keyboard.TypeAsync("Keyboard Service Renamed");
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByText(AuthClientsController.SavedMessage)).ToBeVisibleAsync();
        row = Page.ClientRow("Keyboard Service Renamed");
        await Expect(row).ToBeVisibleAsync();

        // Delete: Escape closes the dialog and focus is back on Delete; inside, Tab and Shift+Tab stay in it.
        var delete = row.GetByRole(AriaRole.Button, new() { Name = "Delete" });
        await TabToAsync(delete);
        await Page.Keyboard.PressAsync("Enter");
        await Page.DeleteDialog().WaitUntilShownAsync();
        await Expect(Page.DeleteDialog()).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("Escape");
        await Expect(Page.DeleteDialog()).ToBeHiddenAsync();
        await Expect(delete).ToBeFocusedAsync();

        await Page.Keyboard.PressAsync("Space");
        await Page.DeleteDialog().WaitUntilShownAsync();
        await Expect(Page.DeleteDialog()).ToBeFocusedAsync();
        foreach (var key in Enumerable.Repeat("Tab", 6).Concat(Enumerable.Repeat("Shift+Tab", 6)))
        {
            await Page.Keyboard.PressAsync(key);
            Assert.True(
                await Page.DeleteDialog().EvaluateAsync<bool>("dialog => dialog.contains(document.activeElement)"),
                $"After {key} the focus left the open delete dialog.");
        }

        await TabToAsync(Page.DeleteDialog().GetByRole(AriaRole.Button, new() { Name = "Confirm" }));
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByText(AuthClientsController.DeletedMessage)).ToBeVisibleAsync();
        await Expect(Page.ClientRow("Keyboard Service Renamed")).ToHaveCountAsync(0);
        Assert.True(Session.PageProblems.Count == 0, string.Join("\n", Session.PageProblems));
    }

    /// <summary>
    /// Presses Tab (or Shift+Tab) until <paramref name="target"/> has the focus, and checks that the
    /// focus is drawn there (an outline or Bootstrap's focus ring).
    /// </summary>
    private async Task TabToAsync(ILocator target, bool backwards = false)
    {
        await Expect(target).ToBeVisibleAsync();
        for (var presses = 0; presses < MaxTabs; presses++)
        {
            if (await target.EvaluateAsync<bool>("element => element === document.activeElement"))
            {
                var drawn = await target.EvaluateAsync<bool>("""
                    element => {
                        const style = getComputedStyle(element);
                        return element.matches(':focus-visible')
                            && ((style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none');
                    }
                    """);
                Assert.True(drawn, $"The focus on {target} is not visible.");
                return;
            }

            await Page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
        }

        Assert.Fail($"{target} was not reached with {(backwards ? "Shift+Tab" : "Tab")} in {MaxTabs} presses.");
    }
}
