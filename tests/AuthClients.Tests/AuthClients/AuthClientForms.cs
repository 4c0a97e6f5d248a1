using System.Net;
using AngleSharp.Html.Dom;
using AuthClients.Tests.Infrastructure;

namespace AuthClients.Tests.AuthClients;

/// <summary>What the tests of the create and edit forms share: the fields' names and the checks on a form shown again.</summary>
internal static class AuthClientForms
{
    public const string Name = "Form.Name";
    public const string Redirects = "Form.RedirectUris";
    public const string AuthorizationCode = "Form.EnableAuthorizationCode";
    public const string ClientCredentials = "Form.EnableClientCredentials";
    public const string Password = "Form.EnablePassword";
    public const string NameTaken = "An auth client with this name already exists. Name must be unique.";

    public static string NewName() => $"client {Guid.NewGuid():N}";

    public static string UrlOfLength(int length)
    {
        const string start = "https://app.example.com/";
        return start + new string('a', length - start.Length);
    }

    /// <summary>An invalid form is answered with the form itself (200), not a redirect.</summary>
    public static async Task<IHtmlDocument> AssertFormShownAgainAsync(HttpResponseMessage response, string title)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.ReadDocumentAsync();
        Assert.Equal(title, page.QuerySelector("h1")!.Text());
        return page;
    }

    public static async Task<IReadOnlyList<AuthClientPages.ListRow>> RowsAsync(HttpClient browser, string name)
    {
        var page = await browser.GetDocumentAsync($"{AuthClientPages.List}?search={Uri.EscapeDataString(name)}&perPage=100");
        return page.Rows().Where(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
    }
}
