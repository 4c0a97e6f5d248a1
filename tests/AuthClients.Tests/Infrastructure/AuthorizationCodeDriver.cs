using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using Microsoft.AspNetCore.WebUtilities;

namespace AuthClients.Tests.Infrastructure;

/// <summary>
/// Plays the user's browser in the authorization code flow: follows the redirect to the sign-in
/// page, signs in, answers the consent page, and returns where the server sent the browser back.
/// </summary>
public sealed partial class AuthorizationCodeDriver(HttpClient browser, RegisteredClient client)
{
    public RegisteredClient Client => client;

    public string Verifier { get; } = CryptoRandom.CreateUniqueId(32);

    public string State { get; } = CryptoRandom.CreateUniqueId(16);

    public string Challenge => System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(Verifier)));

    public string AuthorizeUrl(string scope = "openid profile offline_access", string? redirectUri = null, string? challenge = null, string? method = "S256", string responseType = "code") =>
        new RequestUrl("/connect/authorize").CreateAuthorizeUrl(
            clientId: client.ClientId,
            responseType: responseType,
            scope: scope,
            redirectUri: redirectUri ?? RegisteredClients.RedirectUri,
            state: State,
            codeChallenge: challenge ?? (method is null ? null : Challenge),
            codeChallengeMethod: method);

    /// <summary>Runs the whole front channel and returns the authorization code.</summary>
    public async Task<string> GetCodeAsync(string email, string password, string scope = "openid profile offline_access")
    {
        var callback = await AuthorizeAsync(AuthorizeUrl(scope), email, password, accept: true);
        var query = QueryHelpers.ParseQuery(callback.Query);
        Assert.Equal(State, query["state"].ToString());
        return query["code"].ToString();
    }

    /// <summary>Returns the URI the server redirected the browser to at the end (the client's callback).</summary>
    public async Task<Uri> AuthorizeAsync(string authorizeUrl, string email, string password, bool accept)
    {
        var response = await browser.GetAsync(authorizeUrl);
        if (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString.Contains("/account/login", StringComparison.Ordinal))
        {
            var returnUrl = QueryHelpers.ParseQuery(response.Headers.Location.Query)["ReturnUrl"].ToString();
            var signIn = await browser.PostFormAsync("/account/login", "/account/login",
                [new("Email", email), new("Password", password), new("ReturnUrl", returnUrl)]);
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            response = await browser.GetAsync(signIn.Headers.Location);
        }

        if (response.StatusCode == HttpStatusCode.OK)
        {
            // The consent page: post its hidden fields back with Allow or Deny.
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("to access your account", html, StringComparison.Ordinal);
            var fields = HiddenField().Matches(html)
                .Select(m => new KeyValuePair<string, string>(WebUtility.HtmlDecode(m.Groups[1].Value), WebUtility.HtmlDecode(m.Groups[2].Value)))
                .Append(new(accept ? "submit.Accept" : "submit.Deny", accept ? "Allow" : "Deny"))
                .Append(new("__RequestVerificationToken", HtmlForms.ExtractAntiforgeryToken(html)));
            response = await browser.PostAsync("/connect/authorize", new FormUrlEncodedContent(fields));
        }

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }

    public Task<TokenResponse> RedeemAsync(HttpClient backChannel, string code, string? verifier = null, string? redirectUri = null) =>
        backChannel.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = "/connect/token",
            ClientId = client.ClientId,
            ClientSecret = client.Secret.Length == 0 ? null : client.Secret,
            Code = code,
            RedirectUri = redirectUri ?? RegisteredClients.RedirectUri,
            CodeVerifier = verifier ?? Verifier,
        });

    /// <summary>A new code-flow client, and the tokens of a new user signed in through it: the start of a refresh chain.</summary>
    public static async Task<(RegisteredClient Client, TokenResponse Tokens)> SignInThroughCodeAsync(AuthClientsAppFactory app, HttpClient backChannel)
    {
        var client = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true);
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), client);
        var tokens = await driver.RedeemAsync(backChannel, await driver.GetCodeAsync(await app.CreateUserAsync(), AuthClientsAppFactory.UserPassword));
        Assert.False(tokens.IsError, tokens.Raw);
        return (client, tokens);
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenField();
}
