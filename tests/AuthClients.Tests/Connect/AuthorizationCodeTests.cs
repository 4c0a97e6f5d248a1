using System.Net;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using Duende.IdentityModel.Client;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Connect;

/// <summary>An app acting for a user: authorization code with PKCE, through the sign-in and consent pages.</summary>
public sealed class AuthorizationCodeTests : IClassFixture<AuthClientsAppFactory>
{
    private readonly AuthClientsAppFactory _app;
    private readonly HttpClient _backChannel;

    public AuthorizationCodeTests(AuthClientsAppFactory app)
    {
        // No leeway, so reuse of a spent refresh token is detected at once in these tests.
        _app = app;
        _backChannel = app.CreateClient();
    }

    [Fact]
    public async Task CodeFlow_WithPkce_SignInAndConsent_IssuesTokensForTheUser()
    {
        var (client, email) = await ArrangeAsync();
        var driver = new AuthorizationCodeDriver(_app.CreateBrowser(), client);

        var code = await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword);
        var tokens = await driver.RedeemAsync(_backChannel, code);

        Assert.False(tokens.IsError, tokens.Raw);
        Assert.NotNull(tokens.IdentityToken);
        Assert.NotNull(tokens.RefreshToken);
        using var me = JsonDocument.Parse(await (await CallMeAsync(tokens.AccessToken!)).Content.ReadAsStringAsync());
        Assert.Equal("user", me.RootElement.GetProperty("kind").GetString());
        Assert.Equal(email, me.RootElement.GetProperty("user").GetProperty("email").GetString());
        Assert.Equal(client.ClientId, me.RootElement.GetProperty("client_id").GetString());
    }

    [Fact]
    public async Task Consent_Denied_RedirectsWithAccessDenied()
    {
        var (client, email) = await ArrangeAsync();
        var driver = new AuthorizationCodeDriver(_app.CreateBrowser(), client);

        var callback = await driver.AuthorizeAsync(driver.AuthorizeUrl(), email, AuthClientsAppFactory.UserPassword, accept: false);

        Assert.Equal("access_denied", QueryHelpers.ParseQuery(callback.Query)["error"].ToString());
    }

    [Fact]
    public async Task Code_RedeemedTwice_IsInvalidGrant_AndRevokesTheTokensItGave()
    {
        var (client, email) = await ArrangeAsync();
        var driver = new AuthorizationCodeDriver(_app.CreateBrowser(), client);
        var code = await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword);
        var first = await driver.RedeemAsync(_backChannel, code);

        var second = await driver.RedeemAsync(_backChannel, code);

        Assert.Equal("invalid_grant", second.ErrorCode());
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallMeAsync(first.AccessToken!)).StatusCode);
    }

    [Fact]
    public async Task WrongCodeVerifier_IsInvalidGrant()
    {
        var (client, email) = await ArrangeAsync();
        var driver = new AuthorizationCodeDriver(_app.CreateBrowser(), client);
        var code = await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword);

        var tokens = await driver.RedeemAsync(_backChannel, code, verifier: new string('a', 43));

        Assert.Equal("invalid_grant", tokens.ErrorCode());
    }

    [Fact]
    public async Task DifferentRedirectUriAtTokenEndpoint_IsInvalidGrant()
    {
        var (client, email) = await ArrangeAsync();
        var driver = new AuthorizationCodeDriver(_app.CreateBrowser(), client);
        var code = await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword);

        var tokens = await driver.RedeemAsync(_backChannel, code, redirectUri: RegisteredClients.RedirectUri + "/other");

        Assert.Equal("invalid_grant", tokens.ErrorCode());
    }

    [Fact]
    public async Task CodeRedeemedByAnotherClient_IsInvalidGrant()
    {
        var (client, email) = await ArrangeAsync();
        var other = await _app.RegisterClientAsync(authorizationCode: true);
        var code = await new AuthorizationCodeDriver(_app.CreateBrowser(), client).GetCodeAsync(email, AuthClientsAppFactory.UserPassword);

        var tokens = await new AuthorizationCodeDriver(_app.CreateBrowser(), other).RedeemAsync(_backChannel, code);

        Assert.Equal("invalid_grant", tokens.ErrorCode());
    }

    [Theory]
    [InlineData(null)]      // no code_challenge at all
    [InlineData("plain")]   // the weak method
    public async Task AuthorizeWithoutS256Challenge_IsRefused(string? method)
    {
        var (client, _) = await ArrangeAsync();
        var driver = new AuthorizationCodeDriver(_app.CreateBrowser(), client);
        var url = method is null ? driver.AuthorizeUrl(method: null) : driver.AuthorizeUrl(challenge: driver.Verifier, method: method);

        var response = await _app.CreateBrowser().GetAsync(url);

        // Refused before anyone signs in: an error, never a code.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("code=", response.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);
        Assert.Contains("code_challenge", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost/callback/")]        // trailing slash
    [InlineData("http://localhost/Callback")]         // case
    [InlineData("http://localhost:8080/callback")]    // port
    [InlineData("http://localhost/callback?x=1")]     // query
    [InlineData("http://evil.example/callback")]      // another host
    public async Task AlteredRedirectUri_GetsAnErrorPage_NeverARedirect(string redirectUri)
    {
        var (client, _) = await ArrangeAsync();
        var driver = new AuthorizationCodeDriver(_app.CreateBrowser(), client);

        var response = await _app.CreateBrowser().GetAsync(driver.AuthorizeUrl(redirectUri: redirectUri));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task ResponseTypeToken_IsRefused()
    {
        var (client, _) = await ArrangeAsync();
        var driver = new AuthorizationCodeDriver(_app.CreateBrowser(), client);

        var response = await _app.CreateBrowser().GetAsync(driver.AuthorizeUrl(responseType: "token"));

        Assert.DoesNotContain("access_token", response.Headers.Location?.ToString() ?? "", StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RefreshToken_Rotates_AndReuseOfSpentOneRevokesItsSuccessor()
    {
        var (client, email) = await ArrangeAsync();
        var driver = new AuthorizationCodeDriver(_app.CreateBrowser(), client);
        var tokens = await driver.RedeemAsync(_backChannel, await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword));

        var renewed = await RefreshAsync(client, tokens.RefreshToken!);
        Assert.False(renewed.IsError, renewed.Raw);
        Assert.NotEqual(tokens.RefreshToken, renewed.RefreshToken);

        var reused = await RefreshAsync(client, tokens.RefreshToken!);
        Assert.Equal("invalid_grant", reused.ErrorCode());
        Assert.Equal("invalid_grant", (await RefreshAsync(client, renewed.RefreshToken!)).ErrorCode());
    }

    [Fact]
    public async Task RefreshToken_PresentedByAnotherClient_IsRefused()
    {
        var (client, email) = await ArrangeAsync();
        var other = await _app.RegisterClientAsync(authorizationCode: true);
        var driver = new AuthorizationCodeDriver(_app.CreateBrowser(), client);
        var tokens = await driver.RedeemAsync(_backChannel, await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword));

        Assert.Equal("invalid_grant", (await RefreshAsync(other, tokens.RefreshToken!)).ErrorCode());
    }

    [Fact]
    public async Task DeletingClient_MakesItsRefreshTokensFail()
    {
        var (client, email) = await ArrangeAsync();
        var driver = new AuthorizationCodeDriver(_app.CreateBrowser(), client);
        var tokens = await driver.RedeemAsync(_backChannel, await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword));

        await _app.DeleteClientAsync(client);

        Assert.NotNull((await RefreshAsync(client, tokens.RefreshToken!)).ErrorCode());
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallMeAsync(tokens.AccessToken!)).StatusCode);
    }

    [Fact]
    public async Task DeactivatingUser_StopsTheirAccessTokenOnTheApi()
    {
        var (client, email) = await ArrangeAsync();
        var driver = new AuthorizationCodeDriver(_app.CreateBrowser(), client);
        var tokens = await driver.RedeemAsync(_backChannel, await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword));
        Assert.Equal(HttpStatusCode.OK, (await CallMeAsync(tokens.AccessToken!)).StatusCode);

        await _app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            await db.Users.Where(u => u.Email == email).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, false));
        });

        Assert.Equal(HttpStatusCode.Unauthorized, (await CallMeAsync(tokens.AccessToken!)).StatusCode);
        Assert.Equal("invalid_grant", (await RefreshAsync(client, tokens.RefreshToken!)).ErrorCode());
    }

    [Fact]
    public async Task RevokingRefreshToken_MakesNextRefreshFail_AndAnotherClientCannotRevokeIt()
    {
        var (client, email) = await ArrangeAsync();
        var other = await _app.RegisterClientAsync(authorizationCode: true);
        var driver = new AuthorizationCodeDriver(_app.CreateBrowser(), client);
        var tokens = await driver.RedeemAsync(_backChannel, await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword));

        await RevokeAsync(other, tokens.RefreshToken!);
        var stillWorks = await RefreshAsync(client, tokens.RefreshToken!);
        Assert.False(stillWorks.IsError, stillWorks.Raw);

        await RevokeAsync(client, stillWorks.RefreshToken!);
        Assert.Equal("invalid_grant", (await RefreshAsync(client, stillWorks.RefreshToken!)).ErrorCode());
    }

    [Fact]
    public async Task UserInfo_ReturnsTheSignedInUsersProfile()
    {
        var (client, email) = await ArrangeAsync();
        var driver = new AuthorizationCodeDriver(_app.CreateBrowser(), client);
        var tokens = await driver.RedeemAsync(_backChannel, await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword, "openid profile email"));

        var userInfo = await _backChannel.GetUserInfoAsync(new UserInfoRequest { Address = "/connect/userinfo", Token = tokens.AccessToken });

        Assert.False(userInfo.IsError, userInfo.Raw);
        Assert.Equal(email, userInfo.Claims.Single(c => c.Type == "email").Value);
    }

    [Theory]
    [InlineData("openid offline_access", new string[0])]
    [InlineData("openid profile offline_access", new[] { "name", "preferred_username" })]
    [InlineData("openid email offline_access", new[] { "email" })]
    [InlineData("openid profile email offline_access", new[] { "name", "preferred_username", "email" })]
    public async Task IdToken_CarriesProfileAndEmailOnlyUnderTheirScopes_AccessTokenCarriesThemAlways_AtTheExchangeAndAfterARefresh(string scope, string[] inIdToken)
    {
        var (client, email) = await ArrangeAsync();
        var driver = new AuthorizationCodeDriver(_app.CreateBrowser(), client);
        var issued = await driver.RedeemAsync(_backChannel, await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword, scope));
        Assert.False(issued.IsError, issued.Raw);
        var renewed = await RefreshAsync(client, issued.RefreshToken!);
        Assert.False(renewed.IsError, renewed.Raw);

        string[] userClaims = ["name", "preferred_username", "email"];
        foreach (var tokens in new[] { issued, renewed })
        {
            var idToken = Payload(tokens.IdentityToken!);
            Assert.Equal(inIdToken.Order(), userClaims.Where(idToken.ContainsKey).Order());
            Assert.Equal(email, idToken.GetValueOrDefault("email") ?? email);
            Assert.True(idToken.ContainsKey("auth_time"), "the ID token says when the user signed in");

            var accessToken = Payload(tokens.AccessToken!);
            Assert.All(userClaims, claim => Assert.True(accessToken.ContainsKey(claim), $"{claim} is in the access token"));
        }

        static Dictionary<string, string> Payload(string jwt) =>
            JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(jwt.Split('.')[1])).RootElement.EnumerateObject()
                .ToDictionary(p => p.Name, p => p.Value.ToString());
    }

    private async Task<(RegisteredClient Client, string Email)> ArrangeAsync() =>
        (await _app.RegisterClientAsync(clientCredentials: false, authorizationCode: true), await _app.CreateUserAsync());

    private Task<TokenResponse> RefreshAsync(RegisteredClient client, string refreshToken) => _backChannel.RequestRefreshAsync(client, refreshToken);

    private Task<TokenRevocationResponse> RevokeAsync(RegisteredClient client, string token) =>
        _backChannel.RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = "/connect/revoke",
            ClientId = client.ClientId,
            ClientSecret = client.Secret,
            Token = token,
            TokenTypeHint = "refresh_token",
        });

    private Task<HttpResponseMessage> CallMeAsync(string accessToken) => _backChannel.GetMeAsync(accessToken);
}
