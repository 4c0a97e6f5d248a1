using System.Net;
using AngleSharp.Html.Dom;
using AuthClients.Tests.Infrastructure;

namespace AuthClients.Tests.AuthClients;

/// <summary>
/// The create and edit forms: every rule refuses with a message next to its field and keeps what
/// was typed; a valid form is saved and the list says so (POST-Redirect-GET).
/// </summary>
public sealed class AuthClientFormTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string Name = "Form.Name";
    private const string Redirects = "Form.RedirectUris";
    private const string AuthorizationCode = "Form.EnableAuthorizationCode";
    private const string ClientCredentials = "Form.EnableClientCredentials";
    private const string Password = "Form.EnablePassword";
    private const string NameTaken = "An auth client with this name already exists. Name must be unique.";

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
        Assert.Contains(list.Rows(), r => r.Name == name);
        Assert.Null((await browser.GetDocumentAsync(AuthClientPages.List)).StatusMessage());
    }

    [Fact]
    public async Task Create_WithEmptyName_ShowsRequiredAndKeepsWhatWasTyped()
    {
        var browser = await app.SignedInAsAdminAsync();

        var response = await browser.CreateAsync(AuthClientPages.Form("", authorizationCode: true, clientCredentials: false, password: true,
            redirectUris: "https://keep.example.com/callback"));

        var page = await AssertFormShownAgainAsync(response, "Create Auth-Client");
        Assert.Equal("The Name field is required.", page.ErrorNextTo(Name));
        Assert.Equal("https://keep.example.com/callback", page.FieldValue(Redirects));
        Assert.True(page.IsChecked(AuthorizationCode));
        Assert.True(page.IsChecked(Password));
        Assert.False(page.IsChecked(ClientCredentials));
    }

    [Fact]
    public async Task Create_WithWhitespaceOnlyName_ShowsRequired()
    {
        var browser = await app.SignedInAsAdminAsync();

        var response = await browser.CreateAsync(AuthClientPages.Form("   \t  "));

        var page = await AssertFormShownAgainAsync(response, "Create Auth-Client");
        Assert.Equal("The Name field is required.", page.ErrorNextTo(Name));
    }

    [Fact]
    public async Task Create_WithSpacesAroundName_SavesItTrimmed()
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = NewName();

        var response = await browser.CreateAsync(AuthClientPages.Form($"   {name}  "));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var id = await browser.FindIdAsync(name);
        var edit = await browser.GetDocumentAsync(AuthClientPages.EditPage(id));
        Assert.Equal(name, edit.FieldValue(Name));
        Assert.Contains(await RowsAsync(browser, name), r => r.Name == name);
    }

    [Fact]
    public async Task Create_WithNameOf256Characters_ShowsLengthErrorAndKeepsIt()
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = NewName().PadRight(256, 'x');

        var response = await browser.CreateAsync(AuthClientPages.Form(name));

        var page = await AssertFormShownAgainAsync(response, "Create Auth-Client");
        Assert.Equal("The Name may not be greater than 255 characters.", page.ErrorNextTo(Name));
        Assert.Equal(name, page.FieldValue(Name));
    }

    [Fact]
    public async Task Create_WithNameOf255Characters_Succeeds()
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = NewName().PadRight(255, 'x');

        var response = await browser.CreateAsync(AuthClientPages.Form(name));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(await RowsAsync(browser, name), r => r.Name == name);
    }

    [Theory]
    [InlineData("upper")]
    [InlineData("lower")]
    [InlineData("padded")]
    public async Task Create_WithDuplicateNameIgnoringCase_ShowsError(string variant)
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = $"Billing {NewName()}";
        await browser.CreateClientAsync(name);
        var duplicate = variant switch
        {
            "upper" => name.ToUpperInvariant(),
            "lower" => name.ToLowerInvariant(),
            _ => $"  {name} ",
        };

        var response = await browser.CreateAsync(AuthClientPages.Form(duplicate));

        var page = await AssertFormShownAgainAsync(response, "Create Auth-Client");
        Assert.Equal(NameTaken, page.ErrorNextTo(Name));
        Assert.Equal(duplicate, page.FieldValue(Name));
        Assert.Equal("Name must be unique", page.GetElementById("name-help")!.Text());
        Assert.Single(await RowsAsync(browser, name));
    }

    [Fact]
    public async Task Create_WithDuplicateNonAsciiNameInOtherCase_ShowsError()
    {
        var browser = await app.SignedInAsAdminAsync();
        var suffix = Guid.NewGuid().ToString("N");
        await browser.CreateClientAsync($"Ärzte-Portal Éire {suffix}");

        var response = await browser.CreateAsync(AuthClientPages.Form($"ärzte-portal éIRE {suffix}"));

        var page = await AssertFormShownAgainAsync(response, "Create Auth-Client");
        Assert.Equal(NameTaken, page.ErrorNextTo(Name));
    }

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

    [Fact]
    public async Task Edit_WithEmptyName_ShowsRequiredAndKeepsWhatWasTyped()
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = NewName();
        var id = await browser.CreateClientAsync(name);

        var response = await browser.EditClientAsync(id, "", authorizationCode: true, redirectUris: "https://typed.example.com/cb");

        var page = await AssertFormShownAgainAsync(response, "Edit Auth Client");
        Assert.Equal("The Name field is required.", page.ErrorNextTo(Name));
        Assert.Equal("https://typed.example.com/cb", page.FieldValue(Redirects));
        Assert.True(page.IsChecked(AuthorizationCode));
        Assert.Single(await RowsAsync(browser, name));
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

    [Fact]
    public async Task Edit_ToAnotherClientsNameInOtherCase_ShowsError()
    {
        var browser = await app.SignedInAsAdminAsync();
        var taken = NewName();
        await browser.CreateClientAsync(taken);
        var mine = NewName();
        var id = await browser.CreateClientAsync(mine);

        var response = await browser.EditClientAsync(id, taken.ToUpperInvariant());

        var page = await AssertFormShownAgainAsync(response, "Edit Auth Client");
        Assert.Equal(NameTaken, page.ErrorNextTo(Name));
        Assert.Equal(taken.ToUpperInvariant(), page.FieldValue(Name));
        Assert.Single(await RowsAsync(browser, mine));
    }

    [Fact]
    public async Task Edit_ChangingOnlyTheCaseOfItsOwnName_Succeeds()
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = NewName();
        var id = await browser.CreateClientAsync(name);

        var response = await browser.EditClientAsync(id, name.ToUpperInvariant());

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(name.ToUpperInvariant(), (await browser.GetDocumentAsync(AuthClientPages.EditPage(id))).FieldValue(Name));
    }

    [Fact]
    public async Task ScriptAsName_IsShownAsTextOnTheListAndTheEditForm()
    {
        const string script = "<script>alert(1)</script>";
        var browser = await app.SignedInAsAdminAsync();

        var id = await browser.CreateClientAsync(script);

        var listHtml = await browser.GetStringAsync(AuthClientPages.List);
        var list = HtmlDocuments.Parse(listHtml);
        Assert.DoesNotContain(script, listHtml, StringComparison.Ordinal);
        Assert.Contains(list.Rows(), r => r.Name == script);
        Assert.DoesNotContain(list.Scripts, s => s.Text.Contains("alert(1)", StringComparison.Ordinal));

        var editHtml = await browser.GetStringAsync(AuthClientPages.EditPage(id));
        var edit = HtmlDocuments.Parse(editHtml);
        Assert.DoesNotContain(script, editHtml, StringComparison.Ordinal);
        Assert.Equal(script, edit.FieldValue(Name));
        Assert.Contains(script, edit.GetElementById("regenerate-dialog")!.Text(), StringComparison.Ordinal);
        Assert.DoesNotContain(edit.Scripts, s => s.Text.Contains("alert(1)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Search_ForAScript_ShowsTheTermAsText()
    {
        const string script = "<script>alert(2)</script>";
        var browser = await app.SignedInAsAdminAsync();

        var html = await browser.GetStringAsync($"{AuthClientPages.List}?search={Uri.EscapeDataString(script)}");

        var page = HtmlDocuments.Parse(html);
        Assert.DoesNotContain(script, html, StringComparison.Ordinal);
        Assert.Equal($"No auth clients match \"{script}\".", page.EmptyTableMessage());
        Assert.DoesNotContain(page.Scripts, s => s.Text.Contains("alert(2)", StringComparison.Ordinal));
    }

    private static string NewName() => $"client {Guid.NewGuid():N}";

    private static string UrlOfLength(int length)
    {
        const string start = "https://app.example.com/";
        return start + new string('a', length - start.Length);
    }

    /// <summary>An invalid form is answered with the form itself (200), not a redirect.</summary>
    private static async Task<IHtmlDocument> AssertFormShownAgainAsync(HttpResponseMessage response, string title)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.ReadDocumentAsync();
        Assert.Equal(title, page.QuerySelector("h1")!.Text());
        return page;
    }

    private static async Task<IReadOnlyList<AuthClientPages.ListRow>> RowsAsync(HttpClient browser, string name)
    {
        var page = await browser.GetDocumentAsync($"{AuthClientPages.List}?search={Uri.EscapeDataString(name)}&perPage=100");
        return page.Rows().Where(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
    }
}
