using System.Net;
using AngleSharp.Html.Dom;
using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.AuthClients.AuthClientForms;

namespace AuthClients.Tests.AuthClients;

/// <summary>
/// The Redirect URLs field of the create and edit forms: one URL a line, each checked, at most
/// 2000 characters, plain http only on loopback; the bad one is named and what was typed is kept.
/// (RedirectUriTests covers what counts as a clean URI, through the page and the API.)
/// </summary>
public sealed class RedirectUrlFieldTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Theory]
    [InlineData("/callback", "The Redirect URL must be an absolute URL, such as https://app.example.com/callback.")]
    [InlineData("callback", "The Redirect URL must be an absolute URL, such as https://app.example.com/callback.")]
    [InlineData("//app.example.com/callback", "The Redirect URL must be an absolute URL, such as https://app.example.com/callback.")]
    [InlineData("https://app.example.com/callback#done", "The Redirect URL must not contain a fragment (#).")]
    [InlineData("https://*.example.com/callback", "The Redirect URL must not contain a wildcard (*).")]
    [InlineData("https://app.example.com/*", "The Redirect URL must not contain a wildcard (*).")]
    [InlineData("javascript:alert(1)", "The Redirect URL must use https; http is allowed only for localhost and 127.0.0.1.")]
    [InlineData("http://app.example.com/callback", "The Redirect URL must use https; http is allowed only for localhost and 127.0.0.1.")]
    [InlineData("http://localhost.example.com/callback", "The Redirect URL must use https; http is allowed only for localhost and 127.0.0.1.")]
    [InlineData("ftp://app.example.com/callback", "The Redirect URL must use https; http is allowed only for localhost and 127.0.0.1.")]
    [InlineData("https://user:secret@app.example.com/callback", "The Redirect URL must not contain a user name or password.")]
    public async Task Create_WithUnacceptableRedirectUrl_ShowsErrorAndKeepsIt(string url, string message)
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = NewName();

        var response = await browser.CreateAsync(AuthClientPages.Form(name, authorizationCode: true, redirectUris: url));

        var page = await AssertFormShownAgainAsync(response, "Create Auth-Client");
        Assert.Equal(message, page.ErrorNextTo(Redirects));
        Assert.Equal(url, page.FieldValue(Redirects));
        Assert.Equal(name, page.FieldValue(Name));
        Assert.Empty(await RowsAsync(browser, name));
    }

    [Fact]
    public async Task Create_WithRedirectUrlOver2000Characters_ShowsLengthError()
    {
        var browser = await app.SignedInAsAdminAsync();
        var url = UrlOfLength(2001);

        var response = await browser.CreateAsync(AuthClientPages.Form(NewName(), authorizationCode: true, redirectUris: url));

        var page = await AssertFormShownAgainAsync(response, "Create Auth-Client");
        Assert.Equal("The Redirect URL may not be greater than 2000 characters.", page.ErrorNextTo(Redirects));
        Assert.Equal(url, page.FieldValue(Redirects));
    }

    [Fact]
    public async Task Create_WithRedirectUrlOf2000Characters_Succeeds()
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = NewName();
        var url = UrlOfLength(2000);

        var response = await browser.CreateAsync(AuthClientPages.Form(name, authorizationCode: true, redirectUris: url));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(url, (await RowsAsync(browser, name)).Single().Redirect);
    }

    [Theory]
    [InlineData("http://localhost/callback")]
    [InlineData("http://localhost:5173/callback")]
    [InlineData("http://127.0.0.1:8080/callback")]
    public async Task Create_WithPlainHttpOnLoopback_Succeeds(string url)
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = NewName();

        var response = await browser.CreateAsync(AuthClientPages.Form(name, authorizationCode: true, redirectUris: url));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(url, (await RowsAsync(browser, name)).Single().Redirect);
    }

    [Fact]
    public async Task Create_WithSeveralRedirectUrlsOnePerLine_SavesThemAll()
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = NewName();

        var response = await browser.CreateAsync(AuthClientPages.Form(name, authorizationCode: true,
            redirectUris: "https://one.example.com/cb\r\n\r\nhttps://two.example.com/cb\n  http://localhost:5000/cb  \n"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var edit = await browser.GetDocumentAsync(AuthClientPages.EditPage(await browser.FindIdAsync(name)));
        Assert.Equal(
            ["https://one.example.com/cb", "https://two.example.com/cb", "http://localhost:5000/cb"],
            edit.FieldValue(Redirects)!.Split('\n'));
    }

    [Fact]
    public async Task Create_WithOneBadUrlAmongSeveral_NamesTheBadOne()
    {
        var browser = await app.SignedInAsAdminAsync();
        var typed = "https://good.example.com/cb\nhttp://bad.example.com/cb";

        var response = await browser.CreateAsync(AuthClientPages.Form(NewName(), authorizationCode: true, redirectUris: typed));

        var page = await AssertFormShownAgainAsync(response, "Create Auth-Client");
        Assert.Equal(
            "http://bad.example.com/cb: The Redirect URL must use https; http is allowed only for localhost and 127.0.0.1.",
            page.ErrorNextTo(Redirects));
        Assert.Equal(typed, page.FieldValue(Redirects));
    }

    [Fact]
    public async Task Edit_WithBadRedirectUrl_ShowsErrorAndKeepsIt()
    {
        var browser = await app.SignedInAsAdminAsync();
        var id = await browser.CreateClientAsync(NewName());

        var response = await browser.EditClientAsync(id, NewName(), authorizationCode: true, redirectUris: "https://app.example.com/cb#x");

        var page = await AssertFormShownAgainAsync(response, "Edit Auth Client");
        Assert.Equal("The Redirect URL must not contain a fragment (#).", page.ErrorNextTo(Redirects));
        Assert.Equal("https://app.example.com/cb#x", page.FieldValue(Redirects));
    }
}
