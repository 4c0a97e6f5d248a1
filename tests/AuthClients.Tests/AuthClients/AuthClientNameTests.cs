using System.Net;
using AngleSharp.Html.Dom;
using AuthClients.Tests.Infrastructure;
using static AuthClients.Tests.AuthClients.AuthClientForms;

namespace AuthClients.Tests.AuthClients;

/// <summary>
/// The Name field of the create and edit forms: required, trimmed, at most 255 characters, unique
/// ignoring case; a refusal comes with a message next to the field and keeps what was typed.
/// </summary>
public sealed class AuthClientNameTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
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
}
