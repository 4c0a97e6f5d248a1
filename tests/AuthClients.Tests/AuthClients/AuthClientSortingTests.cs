using System.Net;
using AngleSharp.Html.Dom;
using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.AuthClients.AuthClientListQueries;

namespace AuthClients.Tests.AuthClients;

/// <summary>Sorting the Auth Clients table: by its column headers (keeping the search) and by the query string.</summary>
public sealed class AuthClientSortingTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task List_ClickingColumnHeaders_SortsByThatColumnThenReverses()
    {
        var browser = await app.SignedInAsAdminAsync();
        var tag = await SeedThreeAsync();
        var page = await browser.GetDocumentAsync(Search(tag));

        page = await ClickHeaderAsync(browser, page, "Name");
        Assert.Equal([$"{tag} alpha", $"{tag} Bravo", $"{tag} Charlie"], Names(page));
        Assert.Equal(SortedBy("Name", "ascending"), page.AriaSort());

        page = await ClickHeaderAsync(browser, page, "Name");
        Assert.Equal([$"{tag} Charlie", $"{tag} Bravo", $"{tag} alpha"], Names(page));
        Assert.Equal(SortedBy("Name", "descending"), page.AriaSort());

        page = await ClickHeaderAsync(browser, page, "Redirect");
        Assert.Equal([$"{tag} Bravo", $"{tag} Charlie", $"{tag} alpha"], Names(page));
        Assert.Equal(SortedBy("Redirect", "ascending"), page.AriaSort());

        page = await ClickHeaderAsync(browser, page, "Redirect");
        Assert.Equal([$"{tag} alpha", $"{tag} Charlie", $"{tag} Bravo"], Names(page));
        Assert.Equal(SortedBy("Redirect", "descending"), page.AriaSort());

        page = await ClickHeaderAsync(browser, page, "Client ID");
        Assert.Equal([$"{tag} Charlie", $"{tag} alpha", $"{tag} Bravo"], Names(page));
        Assert.Equal(SortedBy("Client ID", "ascending"), page.AriaSort());

        page = await ClickHeaderAsync(browser, page, "Client ID");
        Assert.Equal([$"{tag} Bravo", $"{tag} alpha", $"{tag} Charlie"], Names(page));
        Assert.Equal(SortedBy("Client ID", "descending"), page.AriaSort());
    }

    [Theory]
    [InlineData("id", "asc", "Charlie alpha Bravo")]
    [InlineData("id", "desc", "Bravo alpha Charlie")]
    [InlineData("name", "asc", "alpha Bravo Charlie")]
    [InlineData("name", "desc", "Charlie Bravo alpha")]
    [InlineData("redirect", "asc", "Bravo Charlie alpha")]
    [InlineData("redirect", "desc", "alpha Charlie Bravo")]
    public async Task List_SortInQueryString_OrdersRows(string sort, string dir, string expected)
    {
        var browser = await app.SignedInAsAdminAsync();
        var tag = await SeedThreeAsync();

        var page = await browser.GetDocumentAsync($"{Search(tag)}&sort={sort}&dir={dir}");

        Assert.Equal(expected.Split(' ').Select(n => $"{tag} {n}"), Names(page));
    }

    private static Dictionary<string, string?> SortedBy(string column, string direction)
    {
        var expected = new Dictionary<string, string?>
        {
            ["Client ID"] = null, ["Name"] = null, ["Redirect"] = null, ["Last used"] = null, ["Client Secret"] = null, ["Actions"] = null,
        };
        expected[column] = direction;
        return expected;
    }

    private static async Task<IHtmlDocument> ClickHeaderAsync(HttpClient browser, IHtmlDocument page, string column)
    {
        var href = page.HeaderLink(column);
        var search = ((IHtmlInputElement)page.QuerySelector("input[type=search]")!).Value;
        Assert.Contains($"search={Uri.EscapeDataString(search)}", href, StringComparison.Ordinal);
        return await browser.GetDocumentAsync(href);
    }

    /// <summary>
    /// Three clients whose creation order, name order (ignoring case) and redirect order all differ:
    /// created Charlie (b.example), alpha (c.example), Bravo (a.example).
    /// </summary>
    private async Task<string> SeedThreeAsync()
    {
        var tag = NewTag();
        await app.SeedClientAsync($"{tag} Charlie", $"https://b-{tag}.example.com/cb");
        await app.SeedClientAsync($"{tag} alpha", $"https://c-{tag}.example.com/cb");
        await app.SeedClientAsync($"{tag} Bravo", $"https://a-{tag}.example.com/cb");
        return tag;
    }
}
