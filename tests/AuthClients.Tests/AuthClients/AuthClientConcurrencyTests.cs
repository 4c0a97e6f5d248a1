using System.Net;
using System.Text.Json;
using AngleSharp.Html.Dom;
using AuthClients.Tests.Infrastructure;

namespace AuthClients.Tests.AuthClients;

/// <summary>
/// Two administrators at work on the same clients: a save made from an outdated form is refused,
/// never a silent overwrite, and acting on a client someone deleted says so instead of failing.
/// </summary>
public sealed class AuthClientConcurrencyTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string Conflict = "Someone else saved this auth client after you opened it. Reload to see their changes, then edit again.";
    private const string Gone = "This auth client no longer exists. It may have been deleted by someone else.";

    [Fact]
    public async Task Edit_AfterAnotherEditorSaved_IsRefusedAndOverwritesNothing()
    {
        var (first, second) = await TwoAdministratorsAsync();
        var id = await first.CreateClientAsync(NewName());
        var firstForm = await first.OpenEditPageAsync(id);
        var secondForm = await second.OpenEditPageAsync(id);
        var firstName = NewName();
        var secondName = NewName();

        var saved = await first.SaveEditAsync(id, firstForm, AuthClientPages.Form(firstName, authorizationCode: true, redirectUris: "https://first.example.com/cb"));
        var refused = await second.SaveEditAsync(id, secondForm, AuthClientPages.Form(secondName, password: true));

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var page = await refused.ReadDocumentAsync();
        Assert.Equal(Conflict, page.FormError());
        Assert.Equal(secondName, page.FieldValue("Form.Name"));

        var now = await second.GetDocumentAsync(AuthClientPages.EditPage(id));
        Assert.Equal(firstName, now.FieldValue("Form.Name"));
        Assert.Equal("https://first.example.com/cb", now.FieldValue("Form.RedirectUris"));
        Assert.False(now.IsChecked("Form.EnablePassword"));
    }

    [Fact]
    public async Task Edit_AfterAConflict_SucceedsOnceReloaded()
    {
        var (first, second) = await TwoAdministratorsAsync();
        var id = await first.CreateClientAsync(NewName());
        var outdated = await second.OpenEditPageAsync(id);
        Assert.Equal(HttpStatusCode.Redirect, (await first.EditClientAsync(id, NewName())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.SaveEditAsync(id, outdated, AuthClientPages.Form(NewName()))).StatusCode);

        var finalName = NewName();
        var response = await second.EditClientAsync(id, finalName);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(finalName, (await second.GetDocumentAsync(AuthClientPages.EditPage(id))).FieldValue("Form.Name"));
    }

    [Fact]
    public async Task Edit_TwoSavesAtTheSameMoment_OneIsSavedAndTheOtherRefused()
    {
        var (first, second) = await TwoAdministratorsAsync();
        var id = await first.CreateClientAsync(NewName());
        var firstForm = await first.OpenEditPageAsync(id);
        var secondForm = await second.OpenEditPageAsync(id);
        var names = new[] { NewName(), NewName() };

        var responses = await Task.WhenAll(
            first.SaveEditAsync(id, firstForm, AuthClientPages.Form(names[0])),
            second.SaveEditAsync(id, secondForm, AuthClientPages.Form(names[1])));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Redirect);
        var refused = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(Conflict, (await refused.ReadDocumentAsync()).FormError());
        var winner = names[Array.FindIndex(responses, r => r.StatusCode == HttpStatusCode.Redirect)];
        Assert.Equal(winner, (await first.GetDocumentAsync(AuthClientPages.EditPage(id))).FieldValue("Form.Name"));
    }

    [Fact]
    public async Task Create_SameNameInTwoCasesAtTheSameMoment_CreatesOnlyOne()
    {
        var (first, second) = await TwoAdministratorsAsync();
        var name = NewName();
        var firstToken = await first.GetAntiforgeryTokenAsync(AuthClientPages.CreatePage);
        var secondToken = await second.GetAntiforgeryTokenAsync(AuthClientPages.CreatePage);

        var responses = await Task.WhenAll(
            first.PostWithTokenAsync(AuthClientPages.CreatePage, firstToken, AuthClientPages.Form(name.ToUpperInvariant())),
            second.PostWithTokenAsync(AuthClientPages.CreatePage, secondToken, AuthClientPages.Form(name)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Redirect);
        var refused = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal("An auth client with this name already exists. Name must be unique.", (await refused.ReadDocumentAsync()).ErrorNextTo("Form.Name"));
        var list = await first.GetDocumentAsync($"{AuthClientPages.List}?search={name}");
        Assert.Single(list.Rows());
    }

    [Fact]
    public async Task Edit_OfAClientDeletedAfterOpening_SaysItNoLongerExists()
    {
        var (first, second) = await TwoAdministratorsAsync();
        var id = await first.CreateClientAsync(NewName());
        var form = await first.OpenEditPageAsync(id);
        Assert.Equal(HttpStatusCode.Redirect, (await second.DeleteClientAsync(id)).StatusCode);

        var response = await first.SaveEditAsync(id, form, AuthClientPages.Form(NewName()));

        await AssertGoneAsync(first, response);
    }

    [Fact]
    public async Task EditPage_OfADeletedClient_SaysItNoLongerExists()
    {
        var browser = await app.SignedInAsAdminAsync();
        var id = await browser.CreateClientAsync(NewName());
        await browser.DeleteClientAsync(id);

        var response = await browser.GetAsync(AuthClientPages.EditPage(id));

        await AssertGoneAsync(browser, response);
    }

    [Fact]
    public async Task EditPage_OfAnIdThatNeverExisted_SaysItNoLongerExists()
    {
        var browser = await app.SignedInAsAdminAsync();

        var response = await browser.GetAsync(AuthClientPages.EditPage(Guid.NewGuid().ToString()));

        await AssertGoneAsync(browser, response);
    }

    [Fact]
    public async Task Delete_OfAClientAlreadyDeleted_SaysItNoLongerExists()
    {
        var (first, second) = await TwoAdministratorsAsync();
        var id = await first.CreateClientAsync(NewName());
        Assert.Equal(HttpStatusCode.Redirect, (await second.DeleteClientAsync(id)).StatusCode);

        var response = await first.DeleteClientAsync(id);

        await AssertGoneAsync(first, response);
    }

    [Fact]
    public async Task RegenerateSecret_OfADeletedClient_SaysItNoLongerExists()
    {
        var browser = await app.SignedInAsAdminAsync();
        var id = await browser.CreateClientAsync(NewName());
        var token = await browser.GetAntiforgeryTokenAsync(AuthClientPages.EditPage(id));
        await browser.DeleteClientAsync(id);

        var response = await browser.PostWithTokenAsync(AuthClientPages.RegenerateSecretUrl(id), token, []);

        await AssertGoneAsync(browser, response);
    }

    [Fact]
    public async Task CopySecret_OfADeletedClient_Answers404WithTheMessage()
    {
        var browser = await app.SignedInAsAdminAsync();
        var id = await browser.CreateClientAsync(NewName());
        await browser.DeleteClientAsync(id);

        var response = await browser.RequestSecretAsync(id);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(Gone, body.RootElement.GetProperty("title").GetString());
    }

    private static string NewName() => $"client {Guid.NewGuid():N}";

    /// <summary>The bootstrap Super Admin in one browser, and a second Super Admin in another.</summary>
    private async Task<(HttpClient First, HttpClient Second)> TwoAdministratorsAsync()
    {
        var first = await app.SignedInAsAdminAsync();
        var second = await app.SignedInAsync(await app.CreateUserAsync(superAdmin: true));
        return (first, second);
    }

    /// <summary>Back on the list with a clear warning, not an error page.</summary>
    private static async Task AssertGoneAsync(HttpClient browser, HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(AuthClientPages.List, response.Headers.Location!.OriginalString);
        IHtmlDocument list = await browser.FollowRedirectAsync(response);
        Assert.Equal(Gone, list.StatusMessage());
        Assert.Contains("alert-warning", list.QuerySelector("[data-status-message]")!.ClassList);
    }
}
