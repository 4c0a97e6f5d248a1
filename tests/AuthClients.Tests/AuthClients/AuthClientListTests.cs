using System.Net;
using AngleSharp.Html.Dom;
using AuthClients.Tests.Infrastructure;

namespace AuthClients.Tests.AuthClients;

/// <summary>
/// The Auth Clients table: order, sorting, search and what each row shows. The tests share one
/// database, so each works on clients whose names carry a tag of its own and searches for it.
/// </summary>
public sealed class AuthClientListTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task List_AsSuperAdmin_ShowsNewClientWithoutItsSecret()
    {
        var browser = await app.SignedInAsAdminAsync();
        var id = await browser.CreateClientAsync("List shows me");

        var secret = await browser.CopySecretAsync(id);
        var html = await browser.GetStringAsync(AuthClientPages.List);

        Assert.Contains("List shows me", html, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_WhenAnonymous_RedirectsToSignIn()
    {
        var response = await app.CreateBrowser().GetAsync(AuthClientPages.List);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ByDefault_ShowsNewestFirst()
    {
        var browser = await app.SignedInAsAdminAsync();
        var tag = NewTag();
        foreach (var name in new[] { "first", "second", "third" })
        {
            await browser.CreateClientAsync($"{tag} {name}");
        }

        var everything = await browser.GetDocumentAsync(AuthClientPages.List);
        var tagged = await browser.GetDocumentAsync(Search(tag));

        Assert.Equal($"{tag} third", everything.Rows()[0].Name);
        Assert.Equal([$"{tag} third", $"{tag} second", $"{tag} first"], Names(tagged));
        Assert.Equal("descending", tagged.AriaSort()["Client ID"]);
    }

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

    [Fact]
    public async Task Search_MatchesNameIgnoringCase()
    {
        var browser = await app.SignedInAsAdminAsync();
        var tag = NewTag();
        await browser.CreateClientAsync($"{tag} Mixed Case Name");

        var page = await browser.GetDocumentAsync(Search($"{tag} mIXED cASE".ToUpperInvariant()));

        Assert.Equal([$"{tag} Mixed Case Name"], Names(page));
    }

    [Fact]
    public async Task Search_MatchesRedirectUrl()
    {
        var browser = await app.SignedInAsAdminAsync();
        var tag = NewTag();
        var name = $"Redirect search {Guid.NewGuid():N}";
        await browser.CreateClientAsync(name, authorizationCode: true, redirectUris: $"https://{tag}.example.com/callback");

        var page = await browser.GetDocumentAsync(Search($"{tag}.example.com"));

        Assert.Equal([name], Names(page));
    }

    [Fact]
    public async Task Search_MatchesNonAsciiNameIgnoringCase()
    {
        var browser = await app.SignedInAsAdminAsync();
        var tag = NewTag();
        await browser.CreateClientAsync($"{tag} Ärzte-Portal Çelik");

        var page = await browser.GetDocumentAsync(Search($"{tag} ärzte-portal çelik"));

        Assert.Equal([$"{tag} Ärzte-Portal Çelik"], Names(page));
    }

    [Fact]
    public async Task Search_WithWildcardCharacters_MatchesThemLiterally()
    {
        var browser = await app.SignedInAsAdminAsync();
        var tag = NewTag();
        await browser.CreateClientAsync($"{tag}_50%");
        await browser.CreateClientAsync($"{tag}x50x");

        Assert.Equal([$"{tag}_50%"], Names(await browser.GetDocumentAsync(Search($"{tag}_50%"))));
        Assert.Equal([$"{tag}_50%"], Names(await browser.GetDocumentAsync(Search($"{tag}_"))));
    }

    [Fact]
    public async Task Search_AfterEditingNameAndRedirectUrl_FindsTheClientByTheNewOnesOnly()
    {
        var browser = await app.SignedInAsAdminAsync();
        var (oldTag, newTag) = (NewTag(), NewTag());
        var id = await browser.CreateClientAsync($"{oldTag} before", authorizationCode: true, redirectUris: $"https://{oldTag}.example.com/cb");

        var saved = await browser.EditClientAsync(id, $"{newTag} after", authorizationCode: true, clientCredentials: false,
            redirectUris: $"https://{newTag}-site.example.com/cb\nhttps://second-{newTag}.example.com/cb");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        Assert.Empty((await browser.GetDocumentAsync(Search(oldTag))).Rows());
        Assert.Equal([$"{newTag} after"], Names(await browser.GetDocumentAsync(Search($"{newTag} AFTER"))));
        Assert.Equal([$"{newTag} after"], Names(await browser.GetDocumentAsync(Search($"{newTag}-site.example"))));
        Assert.Equal([$"{newTag} after"], Names(await browser.GetDocumentAsync(Search($"second-{newTag}"))));
    }

    [Fact]
    public async Task Search_AfterDeletingTheClient_FindsNothing()
    {
        var browser = await app.SignedInAsAdminAsync();
        var tag = NewTag();
        var id = await browser.CreateClientAsync($"{tag} soon gone");
        Assert.Equal([$"{tag} soon gone"], Names(await browser.GetDocumentAsync(Search(tag))));

        await browser.DeleteClientAsync(id);

        var page = await browser.GetDocumentAsync(Search(tag));
        Assert.Empty(page.Rows());
        Assert.Equal("Showing 0-0 of 0", page.Showing());
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("\"\" OR *")]
    [InlineData("NEAR(a b)")]
    public async Task Search_WithQuotesOrQuerySyntax_MatchesTheTextLiterally(string syntax)
    {
        var browser = await app.SignedInAsAdminAsync();
        var tag = NewTag();
        await browser.CreateClientAsync($"{tag} {syntax} literal");
        await browser.CreateClientAsync($"{tag} other");

        var page = await browser.GetDocumentAsync(Search($"{tag} {syntax}"));

        Assert.Equal([$"{tag} {syntax} literal"], Names(page));
    }

    [Fact]
    public async Task Search_MatchesClientId()
    {
        await using var fresh = new AuthClientsAppFactory();
        var browser = await fresh.SignedInAsAdminAsync();
        foreach (var name in new[] { "one", "two", "three", "four", "five", "six", "seven", "eight" })
        {
            await browser.CreateClientAsync($"client {name}");
        }

        var page = await browser.GetDocumentAsync(Search("7"));

        Assert.Equal([("7", "client seven")], page.Rows().Select(r => (r.ClientId, r.Name)));
    }

    [Theory]
    [InlineData("07")]
    [InlineData("+7")]
    [InlineData("7.0")]
    public async Task Search_ForANumberWrittenOtherwise_DoesNotMatchTheClientId(string term)
    {
        await using var fresh = new AuthClientsAppFactory();
        var browser = await fresh.SignedInAsAdminAsync();
        foreach (var name in new[] { "one", "two", "three", "four", "five", "six", "seven" })
        {
            await browser.CreateClientAsync($"client {name}");
        }

        Assert.Equal([("7", "client seven")], (await browser.GetDocumentAsync(Search("7"))).Rows().Select(r => (r.ClientId, r.Name)));
        Assert.Empty((await browser.GetDocumentAsync(Search(term))).Rows());
    }

    [Fact]
    public async Task List_WithNoClients_SaysNoDataAvailable()
    {
        await using var fresh = new AuthClientsAppFactory();
        var browser = await fresh.SignedInAsAdminAsync();

        var page = await browser.GetDocumentAsync(AuthClientPages.List);

        Assert.Empty(page.Rows());
        Assert.Equal("No Data Available", page.EmptyTableMessage());
        Assert.Equal("Showing 0-0 of 0", page.Showing());
        Assert.Null(page.QuerySelector("nav[aria-label=Pages]"));
    }

    [Fact]
    public async Task List_AfterDeletingTheOnlyClient_SaysNoDataAvailable()
    {
        await using var fresh = new AuthClientsAppFactory();
        var browser = await fresh.SignedInAsAdminAsync();
        var id = await browser.CreateClientAsync("the only one");
        Assert.Equal("Showing 1-1 of 1", (await browser.GetDocumentAsync(AuthClientPages.List)).Showing());

        var page = await browser.FollowRedirectAsync(await browser.DeleteClientAsync(id));

        Assert.Empty(page.Rows());
        Assert.Equal("No Data Available", page.EmptyTableMessage());
    }

    [Fact]
    public async Task Search_ForACopiedSecret_FindsNothing()
    {
        var browser = await app.SignedInAsAdminAsync();
        var id = await browser.CreateClientAsync($"{NewTag()} secret holder");
        var secret = await browser.CopySecretAsync(id);

        var page = await browser.GetDocumentAsync(Search(secret));

        Assert.Empty(page.Rows());
        Assert.StartsWith("No auth clients match", page.EmptyTableMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_WithNoMatch_SaysNoAuthClientsMatch()
    {
        var browser = await app.SignedInAsAdminAsync();
        await browser.CreateClientAsync($"{NewTag()} not what we look for");
        var term = NewTag();

        var page = await browser.GetDocumentAsync(Search(term));

        Assert.Empty(page.Rows());
        Assert.Equal($"No auth clients match \"{term}\".", page.EmptyTableMessage());
        Assert.Equal("Showing 0-0 of 0", page.Showing());
    }

    [Fact]
    public async Task Search_KeepsTheTermInTheSearchBox()
    {
        var browser = await app.SignedInAsAdminAsync();
        var term = NewTag();

        var page = await browser.GetDocumentAsync(Search(term));

        Assert.Equal(term, ((IHtmlInputElement)page.QuerySelector("input[type=search]")!).Value);
    }

    [Fact]
    public async Task List_RedirectColumn_ShowsFirstUrlAndHowManyMore()
    {
        var browser = await app.SignedInAsAdminAsync();
        var tag = NewTag();
        await browser.CreateClientAsync($"{tag} three urls", authorizationCode: true,
            redirectUris: "https://one.example.com/cb\nhttps://two.example.com/cb\r\nhttp://localhost:5000/cb");
        await browser.CreateClientAsync($"{tag} one url", authorizationCode: true, redirectUris: "https://only.example.com/cb");
        await browser.CreateClientAsync($"{tag} no url");

        var rows = (await browser.GetDocumentAsync(Search(tag))).Rows().ToDictionary(r => r.Name);

        Assert.Equal("https://one.example.com/cb", rows[$"{tag} three urls"].Redirect);
        Assert.Equal("+2 more", rows[$"{tag} three urls"].MoreRedirects);
        Assert.Equal("https://only.example.com/cb", rows[$"{tag} one url"].Redirect);
        Assert.Null(rows[$"{tag} one url"].MoreRedirects);
        Assert.Equal("", rows[$"{tag} no url"].Redirect);
    }

    private static string NewTag() => $"t{Guid.NewGuid():N}"[..12];

    private static string Search(string term) => $"{AuthClientPages.List}?search={Uri.EscapeDataString(term)}";

    private static List<string> Names(IHtmlDocument page) => page.Rows().Select(r => r.Name).ToList();

    private static Dictionary<string, string?> SortedBy(string column, string direction)
    {
        var expected = new Dictionary<string, string?>
        {
            ["Client ID"] = null, ["Name"] = null, ["Redirect"] = null, ["Client Secret"] = null, ["Actions"] = null,
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
