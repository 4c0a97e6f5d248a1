using System.Net;
using AngleSharp.Html.Dom;
using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.AuthClients.AuthClientForms;

namespace AuthClients.Tests.AuthClients;

/// <summary>
/// The grant type check boxes of the create form: at least one, and Authorization Code needs a
/// redirect URL (whose field is hidden and ignored while Authorization Code is off).
/// </summary>
public sealed class AuthClientGrantTypeFormTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task Create_WithNoGrantType_ShowsAtLeastOneItemError()
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = NewName();

        var response = await browser.CreateAsync(AuthClientPages.Form(name, clientCredentials: false));

        var page = await AssertFormShownAgainAsync(response, "Create Auth-Client");
        Assert.Equal("The Auth-Client must have at least 1 item chosen.", page.ErrorNextTo(ClientCredentials));
        Assert.Equal(name, page.FieldValue(Name));
    }

    [Fact]
    public async Task Create_WithAuthorizationCodeAndNoRedirect_ShowsRedirectRequired()
    {
        var browser = await app.SignedInAsAdminAsync();

        var response = await browser.CreateAsync(AuthClientPages.Form(NewName(), authorizationCode: true, clientCredentials: false, redirectUris: "  \n "));

        var page = await AssertFormShownAgainAsync(response, "Create Auth-Client");
        Assert.Equal("The Redirect field is required.", page.ErrorNextTo(Redirects));
        Assert.True(page.IsChecked(AuthorizationCode));
    }

    [Fact]
    public async Task Create_WithAuthorizationCodeOff_IgnoresTextLeftInTheHiddenRedirectField()
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = NewName();

        // The redirect field is hidden while the authorization code grant is off: what it still
        // holds can neither be seen nor fixed, so it must not block the save (nor be saved).
        var response = await browser.CreateAsync(AuthClientPages.Form(name, redirectUris: "http://typed-then-unticked.example.com"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("", (await RowsAsync(browser, name)).Single().Redirect);
    }
}
