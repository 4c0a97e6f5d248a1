using System.Net;
using AngleSharp.Html.Dom;
using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.AuthClients.AuthClientListQueries;

namespace AuthClients.Tests.AuthClients;

/// <summary>
/// Searching the Auth Clients table: by name (ignoring case, non-ASCII too), redirect URL or Client
/// ID, literally (wildcards, quotes, query syntax), never by secret; what it says when nothing matches.
/// </summary>
public sealed class AuthClientSearchTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
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
}
