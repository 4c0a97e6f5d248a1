using System.Net;
using AngleSharp.Html.Dom;
using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.AuthClients.AuthClientForms;

namespace AuthClients.Tests.AuthClients;

/// <summary>
/// The create and edit forms as a whole: the page, and a valid form saved with the list saying so
/// (POST-Redirect-GET). Each rule has its own class: names, grant types, redirect URLs.
/// </summary>
public sealed class AuthClientFormTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task CreatePage_ShowsTheFormWithNameMustBeUniqueHelp()
    {
        var browser = await app.SignedInAsAdminAsync();

        var page = await browser.GetDocumentAsync(AuthClientPages.CreatePage);

        Assert.Equal("Create Auth-Client", page.QuerySelector("h1")!.Text());
        Assert.Equal("Name must be unique", page.GetElementById("name-help")!.Text());
        Assert.Equal("name-help", page.QuerySelector($"[name='{Name}']")!.GetAttribute("aria-describedby"));
    }

    [Fact]
    public async Task Create_WithValidForm_RedirectsToListAndSaysCreatedOnce()
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = NewName();

        var response = await browser.CreateAsync(AuthClientPages.Form(name));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(AuthClientPages.List, response.Headers.Location!.OriginalString);
        var list = await browser.FollowRedirectAsync(response);
        Assert.Equal("The auth client was created.", list.StatusMessage());
        // Drawn outside the live region, which is empty: the page's script moves it in, so it is announced.
        Assert.Equal("", list.QuerySelector("[role=status][aria-live]")!.InnerHtml);
        Assert.Contains(list.Rows(), r => r.Name == name);
        Assert.Null((await browser.GetDocumentAsync(AuthClientPages.List)).StatusMessage());
    }

    [Fact]
    public async Task Edit_WithValidForm_SavesAndSaysSaved()
    {
        var browser = await app.SignedInAsAdminAsync();
        var id = await browser.CreateClientAsync(NewName());
        var renamed = NewName();

        var response = await browser.EditClientAsync(id, renamed, authorizationCode: true, clientCredentials: false,
            redirectUris: "https://renamed.example.com/cb");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(AuthClientPages.List, response.Headers.Location!.OriginalString);
        Assert.Equal("The auth client was saved.", (await browser.FollowRedirectAsync(response)).StatusMessage());
        var edit = await browser.GetDocumentAsync(AuthClientPages.EditPage(id));
        Assert.Equal("Edit Auth Client", edit.QuerySelector("h1")!.Text());
        Assert.Equal(renamed, edit.FieldValue(Name));
        Assert.Equal("https://renamed.example.com/cb", edit.FieldValue(Redirects));
        Assert.True(edit.IsChecked(AuthorizationCode));
        Assert.False(edit.IsChecked(ClientCredentials));
    }
}
