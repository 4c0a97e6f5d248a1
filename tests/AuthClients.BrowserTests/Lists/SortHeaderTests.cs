using System.Text.RegularExpressions;
using AuthClients.BrowserTests.Infrastructure;
using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Features.Groups;
using AuthClients.Web.Features.Users;
using AuthClients.Web.Hosting;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuthClients.BrowserTests.Lists;

/// <summary>The lists' column headers in real Chromium: the whole header cell sorts, not only its text, and the keyboard still does.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SortHeaderTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    [Theory]
    [InlineData(Routes.AuthClients, "Name", AuthClientSort.Name)]
    [InlineData(Routes.Users, "Email", UserSort.Email)]
    [InlineData(Routes.Groups, "Description", GroupSort.Description)]
    public async Task ClickInAHeaderCellsCorner_AwayFromItsText_SortsByThatColumn(string list, string column, string sortKey)
    {
        await Page.SignInAsync();
        await Page.GotoAsync(list);
        var header = Page.GetByRole(AriaRole.Columnheader, new() { Name = column, Exact = true });
        await Expect(header).Not.ToHaveAttributeAsync("aria-sort", new Regex("."));

        var cell = (await header.BoundingBoxAsync())!;
        var text = (await header.GetByRole(AriaRole.Link).BoundingBoxAsync())!;
        var corner = new Position { X = cell.Width - 4, Y = cell.Height - 3 };
        var (x, y) = (cell.X + corner.X, cell.Y + corner.Y);
        Assert.False(x >= text.X && x <= text.X + text.Width && y >= text.Y && y <= text.Y + text.Height,
            $"The corner of the {column} header is on its text, so this click proves nothing.");

        await header.ClickAsync(new() { Position = corner });

        await Expect(Page).ToHaveURLAsync(new Regex($"[?&]sort={sortKey}(&|$)"));
        await Expect(header).ToHaveAttributeAsync("aria-sort", "ascending");

        // The keyboard still reaches the same link: Enter on it reverses the order.
        await header.GetByRole(AriaRole.Link).FocusAsync();
        await Page.Keyboard.PressAsync("Enter");
        await Expect(header).ToHaveAttributeAsync("aria-sort", "descending");
        Assert.Empty(Session.PageProblems);
    }
}
