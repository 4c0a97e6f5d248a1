using System.Net;
using System.Text.RegularExpressions;

namespace AuthClients.Tests.Infrastructure;

/// <summary>Drives the Auth Clients page through HTTP as an administrator would.</summary>
public static partial class AuthClientPages
{
    public const string List = "/admin/auth-clients";
    public const string CreatePage = "/admin/auth-clients/create";

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

    public static async Task<string> CopySecretAsync(this HttpClient client, string id)
    {
        var token = await client.GetAntiforgeryTokenAsync(List);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{List}/{id}/secret");
        request.Headers.Add("RequestVerificationToken", token);
        request.Headers.Add("Accept", "application/json");
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("secret").GetString()!;
    }

    [GeneratedRegex("/admin/auth-clients/([0-9a-f-]{36})/secret")]
    private static partial Regex RowIdPattern();
}
