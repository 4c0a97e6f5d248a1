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

    /// <summary>A new browser (<see cref="AuthClientsAppFactory.CreateBrowser"/>) signed in as <paramref name="email"/>.</summary>
    public static async Task<HttpClient> SignedInAsync(this AuthClientsAppFactory app, string email, string password = AuthClientsAppFactory.UserPassword)
    {
        var browser = app.CreateBrowser();
        await browser.SignInAsAsync(email, password);
        return browser;
    }

    /// <summary>A new browser signed in as the first administrator (the bootstrap Super Admin): the one way tests sign in as admin.</summary>
    public static Task<HttpClient> SignedInAsAdminAsync(this AuthClientsAppFactory app) =>
        app.SignedInAsync(AuthClientsAppFactory.AdminEmail, AuthClientsAppFactory.AdminPassword);

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
