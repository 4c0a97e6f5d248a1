using System.Globalization;
using AngleSharp.Html.Dom;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Features.AuthClients;
using static AuthClients.Tests.Lists.KeysetPagingTests;

namespace AuthClients.Tests.Lists;

/// <summary>
/// The clients of <see cref="TiedListFixture"/>, in an app that counts a search or filter only up to
/// <see cref="Limit"/> matches (<see cref="AuthClientListOptions.CountLimit"/>, its lowest setting):
/// every search and filter below matches more, so its count stops there.
/// </summary>
public sealed class CappedTiedListFixture : TiedListFixture
{
    public const int Limit = 10;

    public CappedTiedListFixture() =>
        App.Settings[$"{AuthClientListOptions.Section}:{nameof(AuthClientListOptions.CountLimit)}"] = Limit.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// A list whose count stopped at its limit is numbered up to it, and its Next links go on past it:
/// walking them visits every match once, in the list's order, whatever the column, direction,
/// search or filter; each page says where it stands ("Showing 11-20 of 20+", the last one exactly);
/// every numbered link shows the page it names; and Previous walks the same pages back.
/// </summary>
public sealed class CappedKeysetPagingTests(CappedTiedListFixture fixture) : IClassFixture<CappedTiedListFixture>
{
    private const int PerPage = 10;

    public static TheoryData<string> CappedLists => new()
    {
        "search=alpha",
        "sort=id&dir=asc&search=alpha",
        "sort=name&dir=asc&search=alpha",
        "sort=name&dir=desc&search=alpha",
        "sort=redirect&dir=asc&search=example",
        "sort=redirect&dir=desc&search=example",
        "sort=lastused&dir=asc&search=a",
        "sort=lastused&dir=desc&search=beta",
        "sort=name&dir=asc&filter=unused",
        "sort=lastused&dir=asc&filter=unused",
        "sort=redirect&dir=desc&filter=used-24h",
        "sort=id&dir=desc&filter=enabled",
        "sort=name&dir=desc&filter=enabled&search=alpha",
    };

    [Theory]
    [MemberData(nameof(CappedLists))]
    public async Task NextLinks_PastTheCount_VisitEveryMatchOnce_AndEachPageSaysWhereItStands(string list)
    {
        list += $"&perPage={PerPage}";
        // Far more a page than there are clients: one page holds every match, in the list's order.
        var everyRow = ClientIds(await GetAsync(list.Replace($"perPage={PerPage}", "perPage=100", StringComparison.Ordinal)));
        var pages = new List<IHtmlDocument> { await GetAsync(list) };
        while (!IsDisabled(pages[^1], "Next"))
        {
            Assert.True(pages.Count < 10, "Next links run on past the last match.");
            pages.Add(await GetAsync(pages[^1].PageLink("Next")!.GetAttribute("href")!));
        }

        Assert.True(everyRow.Count > CappedTiedListFixture.Limit, $"{list} matches {everyRow.Count}: its count is not capped");
        Assert.True(pages.Count > 1, "the walk goes past the counted page");
        Assert.Equal(everyRow, pages.SelectMany(ClientIds));
        for (var number = 1; number <= pages.Count; number++)
        {
            var last = Math.Min(number * PerPage, everyRow.Count);
            var of = number == pages.Count ? $"{everyRow.Count}" : $"{Math.Max(CappedTiedListFixture.Limit, last)}+";
            Assert.Equal($"Showing {((number - 1) * PerPage) + 1}-{last} of {of}", pages[number - 1].Showing());
            Assert.Equal(number.ToString(CultureInfo.InvariantCulture), CurrentNumber(pages[number - 1]));
        }

        // Every numbered link on every page shows the page it names.
        foreach (var page in pages)
        {
            foreach (var link in page.QuerySelectorAll("nav[aria-label=Pages] a.page-link").Where(a => int.TryParse(a.Text(), out _)))
            {
                var target = await GetAsync(link.GetAttribute("href")!);
                var number = int.Parse(link.Text(), CultureInfo.InvariantCulture);
                Assert.Equal(link.Text(), CurrentNumber(target));
                Assert.Equal(ClientIds(pages[number - 1]), ClientIds(target));
            }
        }

        var backwards = new List<List<string>> { ClientIds(pages[^1]) };
        var back = pages[^1];
        while (!IsDisabled(back, "Previous"))
        {
            back = await GetAsync(back.PageLink("Previous")!.GetAttribute("href")!);
            backwards.Add(ClientIds(back));
        }

        backwards.Reverse();
        Assert.Equal(pages.Select(ClientIds), backwards);
    }

    /// <summary>A page number typed past the counted pages has no position to start from: it shows the last counted page, numbered as such.</summary>
    [Theory]
    [InlineData("3")]
    [InlineData("999999")]
    [InlineData("2147483647")]
    public async Task PageNumberPastTheCount_WithoutAPosition_ShowsTheLastCountedPage(string number)
    {
        const string list = "sort=name&dir=asc&search=alpha&perPage=10";

        var page = await GetAsync($"{list}&page={number}");

        Assert.Equal("1", CurrentNumber(page));
        Assert.Equal(ClientIds(await GetAsync(list)), ClientIds(page));
        Assert.Equal($"Showing 1-10 of {CappedTiedListFixture.Limit}+", page.Showing());
    }

    private static string? CurrentNumber(IHtmlDocument page) => page.QuerySelector("nav[aria-label=Pages] [aria-current=page]")?.TextContent;

    private HttpClient? _browser;

    /// <param name="url">A query string for the list, or a link taken from the page.</param>
    private async Task<IHtmlDocument> GetAsync(string url)
    {
        _browser ??= await fixture.App.SignedInAsAdminAsync();
        return await _browser.GetDocumentAsync(url.StartsWith('/') ? url : $"{AuthClientPages.List}?{url}");
    }
}
