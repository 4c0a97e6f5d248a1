using System.Text.RegularExpressions;
using AuthClients.BrowserTests.Infrastructure;
using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Hosting;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AuthClients.BrowserTests.Lists;

/// <summary>
/// The Auth Clients pager in real Chromium, with the app's CSP: Next and Previous carry the position
/// of the row they continue from (<c>after=</c> / <c>before=</c>), and clicking through shows each
/// client once, in order, and the same page again on the way back.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class KeysetPagerTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    [Fact]
    public async Task NextAndPrevious_WalkTheListByPosition_EachClientOnce()
    {
        var names = Enumerable.Range(1, 32).Select(i => $"keyset {i:D2}").ToList();
        foreach (var name in names)
        {
            await Session.App.CreateClientAsync(new AuthClientSettings { Name = name, Grants = new(ClientCredentials: true) });
        }

        await Page.SignInAsync();
        await Page.GotoAsync($"{Routes.AuthClients}?sort={AuthClientSort.Name}&dir=asc");
        var pager = Page.GetByRole(AriaRole.Navigation, new() { Name = "Pages" });
        var seen = new List<string>(await NamesShownAsync());

        await pager.GetByRole(AriaRole.Link, new() { Name = "Next", Exact = true }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("[?&]after="));
        var second = await NamesShownAsync();
        seen.AddRange(second);

        await pager.GetByRole(AriaRole.Link, new() { Name = "Next", Exact = true }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("[?&]after="));
        seen.AddRange(await NamesShownAsync());

        Assert.Equal(names, seen);
        await pager.GetByRole(AriaRole.Link, new() { Name = "Previous", Exact = true }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("[?&]before="));
        Assert.Equal(second, await NamesShownAsync());

        // Typed by number (no position in the URL), the same pages: page 2 read through ListKeyset.Window, the last from the end.
        await Page.GotoAsync($"{Routes.AuthClients}?sort={AuthClientSort.Name}&dir=asc&page=2");
        Assert.Equal(second, await NamesShownAsync());
        await Page.GotoAsync($"{Routes.AuthClients}?sort={AuthClientSort.Name}&dir=asc&page=3");
        Assert.Equal(names.Skip(30), await NamesShownAsync());
        Assert.Empty(Session.PageProblems);
    }

    /// <summary>The client names in the table, top to bottom (the second column).</summary>
    private async Task<IReadOnlyList<string>> NamesShownAsync()
    {
        var cells = await Page.Locator("table tbody tr td:nth-child(2)").AllInnerTextsAsync();
        return [.. cells.Select(c => c.Trim())];
    }
}
