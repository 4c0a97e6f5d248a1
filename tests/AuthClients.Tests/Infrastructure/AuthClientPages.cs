using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace AuthClients.Tests.Infrastructure;

/// <summary>Drives the Auth Clients page through HTTP as an administrator would.</summary>
public static partial class AuthClientPages
{
    public const string List = "/admin/auth-clients";
    public const string CreatePage = "/admin/auth-clients/create";

    public static string EditPage(string id) => $"{List}/{id}/edit";

    public static string DeleteUrl(string id) => $"{List}/{id}/delete";

    public static string SecretUrl(string id) => $"{List}/{id}/secret";

    public static string RegenerateSecretUrl(string id) => $"{List}/{id}/regenerate-secret";

    public static string RotateSecretUrl(string id) => $"{List}/{id}/rotate-secret";

    public static string AddPublicKeyUrl(string id) => $"{List}/{id}/public-keys";

    public static string RevokeUrl(string id, string credentialId) => $"{List}/{id}/credentials/{credentialId}/revoke";

    public static IEnumerable<KeyValuePair<string, string>> Form(
        string name,
        bool authorizationCode = false,
        bool clientCredentials = true,
        bool password = false,
        bool personalAccessTokens = false,
        string? redirectUris = null,
        string? concurrencyToken = null)
    {
        yield return new("Form.Name", name);
        if (authorizationCode) yield return new("Form.EnableAuthorizationCode", "true");
        if (clientCredentials) yield return new("Form.EnableClientCredentials", "true");
        if (password) yield return new("Form.EnablePassword", "true");
        if (personalAccessTokens) yield return new("Form.EnablePersonalAccessTokens", "true");
        if (redirectUris is not null) yield return new("Form.RedirectUris", redirectUris);
        if (concurrencyToken is not null) yield return new("Form.ConcurrencyToken", concurrencyToken);
    }

    public static Task<HttpResponseMessage> CreateAsync(this HttpClient client, IEnumerable<KeyValuePair<string, string>> form) =>
        client.PostFormAsync(List, CreatePage, form);

    /// <summary>Creates a client and returns its internal id (the one in the page's URLs).</summary>
    public static async Task<string> CreateClientAsync(this HttpClient client, string name, bool authorizationCode = false, string? redirectUris = null)
    {
        var response = await client.CreateAsync(Form(name, authorizationCode: authorizationCode, redirectUris: redirectUris));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return await client.FindIdAsync(name);
    }

    /// <summary>Finds a client's internal id by searching the list for its name.</summary>
    public static async Task<string> FindIdAsync(this HttpClient client, string name)
    {
        var html = await client.GetStringAsync($"{List}?search={Uri.EscapeDataString(name)}");
        var match = RowIdPattern().Match(html);
        Assert.True(match.Success, $"No auth client named {name} in the list.");
        return match.Groups[1].Value;
    }

    /// <summary>A client's public Client ID, as the list shows it when searched for its name.</summary>
    public static async Task<string> FindClientIdAsync(this HttpClient client, string name) =>
        (await client.GetDocumentAsync($"{List}?search={Uri.EscapeDataString(name)}")).Rows().Single().ClientId;

    public static async Task<string> CopySecretAsync(this HttpClient client, string id, string? credentialId = null)
    {
        var response = await client.RequestSecretAsync(id, credentialId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("secret").GetString()!;
    }

    /// <summary>What the copy button sends: a POST with the page's anti-forgery token in a header (a credential's button names it).</summary>
    public static async Task<HttpResponseMessage> RequestSecretAsync(this HttpClient client, string id, string? credentialId = null)
    {
        var token = await client.GetAntiforgeryTokenAsync(List);
        using var request = new HttpRequestMessage(HttpMethod.Post, credentialId is null ? SecretUrl(id) : $"{SecretUrl(id)}?credential={credentialId}");
        request.Headers.Add("RequestVerificationToken", token);
        request.Headers.Add("Accept", "application/json");
        return await client.SendAsync(request);
    }

    /// <summary>Opens the edit page and saves it with the given values, as one editor would.</summary>
    public static async Task<HttpResponseMessage> EditClientAsync(
        this HttpClient client,
        string id,
        string name,
        bool authorizationCode = false,
        bool clientCredentials = true,
        bool password = false,
        bool personalAccessTokens = false,
        string? redirectUris = null)
    {
        var page = await client.OpenEditPageAsync(id);
        return await client.SaveEditAsync(id, page, Form(name, authorizationCode, clientCredentials, password, personalAccessTokens, redirectUris));
    }

    /// <summary>The edit page as an editor has it open: its anti-forgery token and the version it shows.</summary>
    public sealed record OpenedEditPage(IHtmlDocument Document, string AntiforgeryToken, string ConcurrencyToken);

    public static async Task<OpenedEditPage> OpenEditPageAsync(this HttpClient client, string id)
    {
        var document = await client.GetDocumentAsync(EditPage(id));
        var token = HtmlForms.ExtractAntiforgeryToken(document.DocumentElement.OuterHtml);
        var version = document.FieldValue("Form.ConcurrencyToken");
        Assert.False(string.IsNullOrEmpty(version), "The edit form carries no concurrency token.");
        return new OpenedEditPage(document, token, version);
    }

    /// <summary>Submits an edit form opened earlier; the fields given replace what the form held.</summary>
    public static Task<HttpResponseMessage> SaveEditAsync(this HttpClient client, string id, OpenedEditPage page, IEnumerable<KeyValuePair<string, string>> form) =>
        client.PostWithTokenAsync(EditPage(id), page.AntiforgeryToken,
            form.Where(f => f.Key != "Form.ConcurrencyToken").Append(new("Form.ConcurrencyToken", page.ConcurrencyToken)));

    /// <summary>Confirms the delete dialog of the list page.</summary>
    public static Task<HttpResponseMessage> DeleteClientAsync(this HttpClient client, string id) =>
        client.PostFormAsync(List, DeleteUrl(id), []);

    /// <summary>
    /// Posts the regenerate route (what the edit page's former "Regenerate secret" dialog posted;
    /// the same as Rotate secret with "End now").
    /// </summary>
    public static Task<HttpResponseMessage> RegenerateSecretAsync(this HttpClient client, string id) =>
        client.PostFormAsync(EditPage(id), RegenerateSecretUrl(id), []);

    /// <summary>Confirms the edit page's Rotate secret dialog with the grace period ("7.00:00:00", "00:00:00" for End now), label and expiry (yyyy-MM-dd) given.</summary>
    public static Task<HttpResponseMessage> RotateSecretAsync(this HttpClient client, string id, string gracePeriod, string? label = null, string? expiresOn = null) =>
        client.PostFormAsync(EditPage(id), RotateSecretUrl(id),
        [
            new("Rotation.GracePeriod", gracePeriod),
            new("Rotation.Label", label ?? ""),
            new("Rotation.ExpiresAt", expiresOn ?? ""),
        ]);

    /// <summary>Submits the edit page's Add public key form.</summary>
    public static Task<HttpResponseMessage> AddPublicKeyAsync(this HttpClient client, string id, string key, string? label = null, string? expiresOn = null) =>
        client.PostFormAsync(EditPage(id), AddPublicKeyUrl(id),
        [
            new("Form.Key", key),
            new("Form.Label", label ?? ""),
            new("Form.ExpiresAt", expiresOn ?? ""),
        ]);

    /// <summary>Confirms a credential's "Revoke now" dialog.</summary>
    public static Task<HttpResponseMessage> RevokeCredentialAsync(this HttpClient client, string id, string credentialId) =>
        client.PostFormAsync(EditPage(id), RevokeUrl(id, credentialId), []);

    /// <summary>One row of the edit page's Credentials table as displayed.</summary>
    /// <param name="State">The state badge ("active", "expiring soon", "expired", "revoked").</param>
    /// <param name="StateNotes">The lines under the badge ("valid until ...", "not used since the new secret was created").</param>
    /// <param name="Buttons">The row's buttons by their text or label ("Copy Client Secret to Clipboard", "Revoke now").</param>
    public sealed record CredentialRow(
        string Id, string Kind, string Label, string Created, string Expires, string LastUsed, string State, string StateNotes, IReadOnlyList<string> Buttons, string? CopyUrl, string? RevokeUrl);

    public static IReadOnlyList<CredentialRow> CredentialRows(this IDocument document) =>
        document.QuerySelectorAll("table.credentials tbody tr[data-credential-id]")
            .Select(tr =>
            {
                var cells = tr.QuerySelectorAll("td").ToList();
                var notes = cells[5].Clone() as IElement;
                notes!.QuerySelector(".badge")?.Remove();
                var buttons = cells[6].QuerySelectorAll("button").Select(b => b.GetAttribute("aria-label") ?? b.Text()).ToList();
                return new CredentialRow(
                    tr.GetAttribute("data-credential-id")!, cells[0].Text(), cells[1].Text(), cells[2].Text(), cells[3].Text(), cells[4].Text(),
                    cells[5].QuerySelector(".badge")!.Text(), notes.Text(), buttons,
                    cells[6].QuerySelector("[data-copy-secret-url]")?.GetAttribute("data-copy-secret-url"),
                    cells[6].QuerySelector("[data-delete-url]")?.GetAttribute("data-delete-url"));
            })
            .ToList();

    /// <summary>One row of the Auth Clients table as displayed.</summary>
    /// <param name="Name">The name without its badges.</param>
    /// <param name="LastUsed">The Last used cell ("never", or the time).</param>
    /// <param name="Badges">The badges beside the name and the secret ("Disabled", "expires in 3 days").</param>
    /// <param name="CopyButtons">How many copy buttons the Client Secret cell has.</param>
    public sealed record ListRow(string Id, string ClientId, string Name, string Redirect, string? MoreRedirects, string LastUsed = "", string Badges = "", int CopyButtons = 0);

    public static IReadOnlyList<ListRow> Rows(this IDocument document) =>
        document.QuerySelectorAll("table.auth-clients tbody tr")
            .Select(tr => tr.QuerySelectorAll("td").ToList())
            .Where(cells => cells.Count == 6)
            .Select(cells =>
            {
                var more = cells[2].QuerySelector(".badge");
                var redirect = (IElement)cells[2].Clone();
                redirect.QuerySelector(".badge")?.Remove();
                var name = (IElement)cells[1].Clone();
                foreach (var badge in name.QuerySelectorAll(".badge").ToList())
                {
                    badge.Remove();
                }

                var badges = string.Join(" | ", new[] { cells[1], cells[4] }.SelectMany(c => c.QuerySelectorAll(".badge")).Select(b => b.Text()));
                var copyButtons = cells[4].QuerySelectorAll("[data-copy-secret-url]");
                var id = RowIdPattern().Match((copyButtons.Length > 0 ? copyButtons[0] : null)?.GetAttribute("data-copy-secret-url") ?? "").Groups[1].Value;
                return new ListRow(id, cells[0].Text(), name.Text(), redirect.Text(), more?.Text(), cells[3].Text(), badges, copyButtons.Length);
            })
            .ToList();

    /// <summary>The message the table shows in place of rows, or null when it has rows.</summary>
    public static string? EmptyTableMessage(this IDocument document) =>
        document.QuerySelector("table.auth-clients tbody td[colspan]")?.Text();

    /// <summary>The "Showing X-Y of Z" line under the table.</summary>
    public static string Showing(this IDocument document)
    {
        var line = document.QuerySelectorAll("div").Select(d => d.Text()).FirstOrDefault(t => t.StartsWith("Showing ", StringComparison.Ordinal) && t.Length < 40);
        Assert.True(line is not null, "The page has no \"Showing X-Y of Z\" line.");
        return line;
    }

    /// <summary>The header cells' aria-sort values by column name (null when the column is not the sort).</summary>
    public static IReadOnlyDictionary<string, string?> AriaSort(this IDocument document) =>
        document.QuerySelectorAll("table.auth-clients thead th")
            .Where(th => th.Text().Length > 0)
            .ToDictionary(th => th.Text(), th => th.GetAttribute("aria-sort"));

    /// <summary>The link a person clicks in a column header.</summary>
    public static string HeaderLink(this IDocument document, string column)
    {
        var link = document.QuerySelectorAll("table.auth-clients thead th a").FirstOrDefault(a => a.Text() == column);
        Assert.True(link is not null, $"The column {column} has no sort link.");
        return link.GetAttribute("href")!;
    }

    /// <summary>The pagination link with the given text ("Next", "Previous", "2"...), or null.</summary>
    public static IElement? PageLink(this IDocument document, string text) =>
        document.QuerySelectorAll("nav[aria-label=Pages] a.page-link").FirstOrDefault(a => a.Text() == text);

    [GeneratedRegex("/admin/auth-clients/([0-9a-f-]{36})/(?:secret|edit|delete)")]
    private static partial Regex RowIdPattern();
}
