using AngleSharp.Html.Dom;
using AuthClients.Tests.Infrastructure;

namespace AuthClients.Tests.AuthClients;

/// <summary>
/// A database of its own holding exactly 101 clients: "alpha 01".."alpha 30" (Client IDs 1-30),
/// then "beta 01".."beta 71" (Client IDs 31-101).
/// </summary>
public sealed class PagedListFixture : IAsyncLifetime
{
    public const int Total = 101;

    public AuthClientsAppFactory App { get; } = new();

    public async Task InitializeAsync()
    {
        for (var i = 1; i <= 30; i++)
        {
            await App.SeedClientAsync($"alpha {i:D2}");
        }

        for (var i = 1; i <= 71; i++)
        {
            await App.SeedClientAsync($"beta {i:D2}");
        }
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>Rows per page, page navigation and the "Showing X-Y of Z" line.</summary>
public sealed class AuthClientPagingTests(PagedListFixture fixture) : IClassFixture<PagedListFixture>
{
    private const int Total = PagedListFixture.Total;

    [Fact]
    public async Task List_ByDefault_Shows15Rows()
    {
        var page = await GetAsync("");

        Assert.Equal(15, page.Rows().Count);
        Assert.Equal($"Showing 1-15 of {Total}", page.Showing());
        Assert.Equal("15", SelectedPerPage(page));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(15)]
    [InlineData(25)]
    [InlineData(50)]
    [InlineData(100)]
    public async Task List_WithPerPage_ShowsThatManyRows(int perPage)
    {
        var page = await GetAsync($"?perPage={perPage}");

        Assert.Equal(perPage, page.Rows().Count);
        Assert.Equal($"Showing 1-{perPage} of {Total}", page.Showing());
        Assert.Equal(perPage.ToString(System.Globalization.CultureInfo.InvariantCulture), SelectedPerPage(page));
    }

    [Fact]
    public async Task List_PerPageSelector_OffersTheFiveSizes()
    {
        var page = await GetAsync("");

        var options = page.QuerySelectorAll("select[name=perPage] option").Select(o => o.TextContent.Trim());
        Assert.Equal(["10", "15", "25", "50", "100"], options);
    }

    [Theory]
    [InlineData("7")]
    [InlineData("0")]
    [InlineData("-10")]
    [InlineData("1000")]
    [InlineData("lots")]
    public async Task List_WithInvalidPerPage_FallsBackTo15(string perPage)
    {
        var page = await GetAsync($"?perPage={perPage}");

        Assert.Equal(15, page.Rows().Count);
        Assert.Equal($"Showing 1-15 of {Total}", page.Showing());
        Assert.Equal("15", SelectedPerPage(page));
    }

    [Fact]
    public async Task List_SecondPage_ShowsTheNextRows()
    {
        var page = await GetAsync("?perPage=50&page=2");

        Assert.Equal("Showing 51-100 of 101", page.Showing());
        Assert.Equal(Enumerable.Range(2, 50).Reverse().Select(Text), page.Rows().Select(r => r.ClientId));
        Assert.Equal("2", page.QuerySelector("nav[aria-label=Pages] [aria-current=page]")?.TextContent);
    }

    [Fact]
    public async Task List_PageBeyondTheEnd_ShowsTheLastPage()
    {
        var page = await GetAsync("?perPage=50&page=99");

        Assert.Equal("Showing 101-101 of 101", page.Showing());
        Assert.Equal(["1"], page.Rows().Select(r => r.ClientId));
        Assert.Contains("disabled", page.PageLink("Next")!.ParentElement!.ClassList);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("first")]
    public async Task List_WithPageBeforeTheStartOrNotANumber_ShowsTheFirstPage(string pageNumber)
    {
        var page = await GetAsync($"?page={pageNumber}");

        Assert.Equal($"Showing 1-15 of {Total}", page.Showing());
        Assert.Equal("101", page.Rows()[0].ClientId);
        Assert.Contains("disabled", page.PageLink("Previous")!.ParentElement!.ClassList);
    }

    [Fact]
    public async Task List_WhenTotalDividesEvenly_HasNoEmptyExtraPage()
    {
        var page = await GetAsync("?search=alpha&perPage=10");

        Assert.Equal("Showing 1-10 of 30", page.Showing());
        Assert.NotNull(page.PageLink("3"));
        Assert.Null(page.PageLink("4"));

        var last = await GetAsync("?search=alpha&perPage=10&page=3");
        Assert.Equal("Showing 21-30 of 30", last.Showing());
        Assert.Contains("disabled", last.PageLink("Next")!.ParentElement!.ClassList);
    }

    [Fact]
    public async Task List_WhenEverythingFitsOnOnePage_ShowsNoPageNavigation()
    {
        var page = await GetAsync("?search=alpha&perPage=50");

        Assert.Equal("Showing 1-30 of 30", page.Showing());
        Assert.Null(page.QuerySelector("nav[aria-label=Pages]"));
    }

    [Fact]
    public async Task List_NextLink_KeepsSearchSortAndPerPage()
    {
        var first = await GetAsync("?search=beta&sort=name&dir=desc&perPage=10");
        Assert.Equal(Enumerable.Range(62, 10).Reverse().Select(i => $"beta {i:D2}"), first.Rows().Select(r => r.Name));

        var next = await GetAsync(first.PageLink("Next")!.GetAttribute("href")!);

        Assert.Equal(Enumerable.Range(52, 10).Reverse().Select(i => $"beta {i:D2}"), next.Rows().Select(r => r.Name));
        Assert.Equal("Showing 11-20 of 71", next.Showing());
        Assert.Equal("descending", next.AriaSort()["Name"]);
    }

    [Fact]
    public async Task List_LinksAndForms_KeepTheListState()
    {
        var page = await GetAsync("?search=beta&sort=name&dir=desc&perPage=10&page=2");

        var pageLink = Query(page.PageLink("3")!.GetAttribute("href")!);
        Assert.Equal(("beta", "name", "desc", "10", "3"), (pageLink["search"], pageLink["sort"], pageLink["dir"], pageLink["perPage"], pageLink["page"]));

        // Sorting by another column keeps the search and page size, and starts again at page 1.
        var headerLink = Query(page.HeaderLink("Redirect"));
        Assert.Equal(("beta", "redirect", "asc", "10", "1"), (headerLink["search"], headerLink["sort"], headerLink["dir"], headerLink["perPage"], headerLink["page"]));

        // A new search keeps the sort and page size; a new page size keeps the search and sort.
        Assert.Equal(
            new Dictionary<string, string> { ["sort"] = "name", ["dir"] = "desc", ["perPage"] = "10" },
            HiddenFields(page.QuerySelector("form[role=search]")!));
        Assert.Equal(
            new Dictionary<string, string> { ["search"] = "beta", ["sort"] = "name", ["dir"] = "desc" },
            HiddenFields(page.QuerySelector("select[name=perPage]")!.Closest("form")!));
    }

    private HttpClient? _browser;

    /// <param name="url">A query string for the list ("?page=2"), or a link taken from the page.</param>
    private async Task<IHtmlDocument> GetAsync(string url)
    {
        _browser ??= await fixture.App.SignedInAsAdminAsync();
        return await _browser.GetDocumentAsync(url.StartsWith('/') ? url : AuthClientPages.List + url);
    }

    private static string Text(int number) => number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string? SelectedPerPage(IHtmlDocument page) =>
        page.QuerySelectorAll("select[name=perPage] option").Cast<IHtmlOptionElement>().SingleOrDefault(o => o.IsSelected)?.Value;

    private static Dictionary<string, string> Query(string href) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(new Uri("http://localhost"), href).Query)
            .ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.OrdinalIgnoreCase);

    private static Dictionary<string, string> HiddenFields(AngleSharp.Dom.IElement form) =>
        form.QuerySelectorAll("input[type=hidden]").Cast<IHtmlInputElement>().ToDictionary(i => i.Name!, i => i.Value);
}
