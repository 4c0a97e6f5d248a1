using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace AuthClients.Tests.Infrastructure;

/// <summary>Reads pages as a DOM, so tests look for what a person sees rather than for markup strings.</summary>
public static class HtmlDocuments
{
    private static readonly HtmlParser Parser = new();

    public static IHtmlDocument Parse(string html) => Parser.ParseDocument(html);

    public static async Task<IHtmlDocument> GetDocumentAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadDocumentAsync();
    }

    public static async Task<IHtmlDocument> ReadDocumentAsync(this HttpResponseMessage response) =>
        Parse(await response.Content.ReadAsStringAsync());

    /// <summary>Follows a POST-Redirect-GET: asserts the redirect and loads the page it points to.</summary>
    public static async Task<IHtmlDocument> FollowRedirectAsync(this HttpClient client, HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return await client.GetDocumentAsync(response.Headers.Location!.OriginalString);
    }

    /// <summary>Text as displayed: whitespace runs collapsed to one space, trimmed.</summary>
    public static string Text(this INode node) =>
        string.Join(' ', node.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The one-time status message shown after a POST-Redirect-GET, or null.</summary>
    public static string? StatusMessage(this IDocument document) =>
        document.QuerySelector("[data-status-message]")?.Text();

    /// <summary>The validation summary's text (errors that belong to no single field), or null.</summary>
    public static string? FormError(this IDocument document) =>
        document.QuerySelector(".validation-summary-errors")?.Text();

    /// <summary>
    /// The validation messages shown in the same group as the named control (its <c>.mb-3</c> block
    /// or fieldset), i.e. next to the field. Asserts the group is not hidden: an error nobody can see
    /// is not an error message.
    /// </summary>
    public static string ErrorNextTo(this IDocument document, string fieldName)
    {
        var control = document.QuerySelector($"[name='{fieldName}']:not([type=hidden])");
        Assert.True(control is not null, $"The form has no field {fieldName}.");
        var group = control.Closest("fieldset, .mb-3");
        Assert.True(group is not null, $"The field {fieldName} is in no field group.");
        Assert.False(group.ClassList.Contains("d-none"), $"The field {fieldName} is hidden, so its errors are too.");
        return string.Join(" ", group.QuerySelectorAll(".field-validation-error").Select(e => e.Text()).Where(t => t.Length > 0));
    }

    /// <summary>What the named text box or text area holds.</summary>
    public static string? FieldValue(this IDocument document, string fieldName) =>
        document.QuerySelector($"[name='{fieldName}']") switch
        {
            IHtmlTextAreaElement area => area.Value,
            IHtmlInputElement input => input.Value,
            _ => null,
        };

    public static bool IsChecked(this IDocument document, string fieldName) =>
        document.QuerySelector($"input[type=checkbox][name='{fieldName}']") is IHtmlInputElement { IsChecked: true };
}
