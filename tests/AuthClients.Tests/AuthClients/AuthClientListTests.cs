using AngleSharp.Html.Dom;
using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.AuthClients.AuthClientListQueries;

namespace AuthClients.Tests.AuthClients;

/// <summary>
/// The Auth Clients table: the default order, what each row shows (never a secret) and what an
/// empty table says. Who may see it: Authorization/AuthClientAccessTests.
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
}
