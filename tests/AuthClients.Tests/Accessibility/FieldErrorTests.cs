using System.Net;
using AngleSharp.Dom;
using AuthClients.Tests.Infrastructure;

namespace AuthClients.Tests.Accessibility;

/// <summary>
/// A refused field is marked invalid and points to its message (aria-invalid, aria-describedby), on
/// every form: a screen reader reads the error when the field takes focus, not only the red text.
/// </summary>
public sealed class FieldErrorTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    public static TheoryData<string, string> FormsPostedEmpty => new()
    {
        { "/admin/auth-clients/create", "/admin/auth-clients/create" },
        { "/admin/users/create", "/admin/users/create" },
        { "/admin/groups/create", "/admin/groups/create" },
        { "/profile", "/profile/password" },
    };

    [Theory]
    [MemberData(nameof(FormsPostedEmpty))]
    public async Task FormPostedEmpty_MarksEachRefusedField_AndPointsItToItsMessage(string page, string action)
    {
        var browser = await app.SignedInAsAdminAsync();

        var response = await browser.PostFormAsync(page, action, []);

        await AssertFieldsTiedToTheirErrorsAsync(response);
    }

    [Fact]
    public async Task SignInPostedEmpty_MarksEmailAndPassword_AndPointsThemToTheirMessages()
    {
        var browser = app.CreateBrowser();

        var response = await browser.PostFormAsync("/account/login", "/account/login", []);

        var fields = await AssertFieldsTiedToTheirErrorsAsync(response);
        Assert.Equal(["Email", "Password"], fields.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task FormShownFirstTime_MarksNoFieldInvalid()
    {
        var browser = await app.SignedInAsAdminAsync();

        var page = await browser.GetDocumentAsync("/admin/auth-clients/create");

        Assert.Empty(page.QuerySelectorAll("[aria-invalid]"));
        Assert.NotNull(page.GetElementById("Form_Name-error"));
        Assert.Equal("name-help", page.GetElementById("Form_Name")!.GetAttribute("aria-describedby"));
    }

    /// <summary>Every message shown under a field is named by that field, which is marked invalid; and the reverse. Returns the fields.</summary>
    private static async Task<IReadOnlyList<string>> AssertFieldsTiedToTheirErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.ReadDocumentAsync();
        var messages = document.QuerySelectorAll(".field-validation-error[data-valmsg-for]").ToList();
        Assert.NotEmpty(messages);

        foreach (var message in messages)
        {
            var name = message.GetAttribute("data-valmsg-for")!;
            var field = document.QuerySelector($"[name='{name}']:not([type=hidden])");
            Assert.True(field is not null, $"No field named {name} for the message \"{message.TextContent.Trim()}\".");
            Assert.Equal("true", field.GetAttribute("aria-invalid"));
            Assert.False(string.IsNullOrEmpty(message.Id), $"The message for {name} has no id.");
            Assert.Contains(message.Id, DescribedBy(field));
        }

        foreach (var invalid in document.QuerySelectorAll("[aria-invalid=true]"))
        {
            Assert.Contains(DescribedBy(invalid), id => document.GetElementById(id) is { } described && described.ClassList.Contains("field-validation-error"));
        }

        return messages.Select(m => m.GetAttribute("data-valmsg-for")!).ToList();
    }

    private static string[] DescribedBy(IElement field) =>
        (field.GetAttribute("aria-describedby") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
