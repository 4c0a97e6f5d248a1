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

    private Task<IReadOnlyList<string>> NamesShownAsync() => NamesShownAsync(Page);

    /// <summary>The client names in the table, top to bottom (the second column).</summary>
    internal static async Task<IReadOnlyList<string>> NamesShownAsync(IPage page)
    {
        var cells = await page.Locator("table tbody tr td:nth-child(2)").AllInnerTextsAsync();
        return [.. cells.Select(c => c.Trim())];
    }
}

/// <summary>
/// A search whose count stops at the list's count limit (lowered to 10 here), in real Chromium: the
/// first page says "15+" and what that means, and Next goes on past the counted matches to the last
/// one, whose page counts them exactly and offers no Next.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CappedPagerTests(ChromiumFixture chromium) : BrowserTest(chromium)
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        [$"{AuthClientListOptions.Section}:{nameof(AuthClientListOptions.CountLimit)}"] = "10",
    };

    [Fact]
    public async Task NextGoesOnPastTheCount_ToTheLastMatch()
    {
        var names = Enumerable.Range(1, 23).Select(i => $"capped {i:D2}").ToList();
        foreach (var name in names)
        {
            await Session.App.CreateClientAsync(new AuthClientSettings { Name = name, Grants = new(ClientCredentials: true) });
        }

        await Page.SignInAsync();
        await Page.GotoAsync($"{Routes.AuthClients}?sort={AuthClientSort.Name}&dir=asc");
        await Page.GetByRole(AriaRole.Searchbox).FillAsync("capped");
        await Page.GetByRole(AriaRole.Searchbox).PressAsync("Enter");
        await Expect(Page.GetByText("Showing 1-15 of 15+")).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "More than 10 auth clients match" })).ToContainTextAsync("Next goes on through the others in this order");
        var first = await NamesShownAsync();

        var pager = Page.GetByRole(AriaRole.Navigation, new() { Name = "Pages" });
        await pager.GetByRole(AriaRole.Link, new() { Name = "Next", Exact = true }).ClickAsync();
        await Expect(Page.GetByText("Showing 16-23 of 23", new() { Exact = true })).ToBeVisibleAsync();

        Assert.Equal(names, first.Concat(await NamesShownAsync()));
        await Expect(Page.GetByText("More than 10 auth clients match")).ToHaveCountAsync(0);
        await Expect(pager.Locator("li.page-item.disabled", new() { HasText = "Next" })).ToHaveCountAsync(1);
        await pager.GetByRole(AriaRole.Link, new() { Name = "Previous", Exact = true }).ClickAsync();
        await Expect(Page.GetByText("Showing 1-15 of 15+")).ToBeVisibleAsync();
        Assert.Equal(first, await NamesShownAsync());
        Assert.Empty(Session.PageProblems);
    }

    private Task<IReadOnlyList<string>> NamesShownAsync() => KeysetPagerTests.NamesShownAsync(Page);
}
