using System.Net;
using System.Text.RegularExpressions;

namespace AuthClients.Tests.Infrastructure;

/// <summary>Signs in and posts forms the way a browser does: with the anti-forgery token taken from the page.</summary>
public static partial class HtmlForms
{
    public static async Task<string> GetAntiforgeryTokenAsync(this HttpClient client, string pageUrl)
    {
        var response = await client.GetAsync(pageUrl);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return ExtractAntiforgeryToken(await response.Content.ReadAsStringAsync());
    }

    public static string ExtractAntiforgeryToken(string html)
    {
        var match = TokenPattern().Match(html);
        Assert.True(match.Success, "The page has no anti-forgery token.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>Loads <paramref name="pageUrl"/> for its token, then posts <paramref name="fields"/> to <paramref name="actionUrl"/>.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(this HttpClient client, string pageUrl, string actionUrl, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var token = await client.GetAntiforgeryTokenAsync(pageUrl);
        var content = new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token)));
        return await client.PostAsync(actionUrl, content);
    }

    /// <summary>Posts <paramref name="fields"/> with an anti-forgery token the caller already holds (e.g. many posts at once).</summary>
    public static Task<HttpResponseMessage> PostWithTokenAsync(this HttpClient client, string actionUrl, string token, IEnumerable<KeyValuePair<string, string>> fields) =>
        client.PostAsync(actionUrl, new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", token))));

    public static async Task<HttpResponseMessage> SignInAsync(this HttpClient client, string email, string password)
    {
        var response = await client.PostFormAsync("/account/login", "/account/login",
            [new("Email", email), new("Password", password)]);
        return response;
    }

    /// <summary>Signs in and checks that it worked.</summary>
    public static async Task SignInAsAsync(this HttpClient client, string email, string password = AuthClientsAppFactory.UserPassword)
    {
        var response = await client.SignInAsync(email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.DoesNotContain("/account/login", response.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
