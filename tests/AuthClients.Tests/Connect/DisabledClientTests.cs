using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Connect;
using Duende.IdentityModel.Client;

namespace AuthClients.Tests.Connect;

/// <summary>
/// Issue 13: a disabled client gets no tokens (every grant answers <c>invalid_client</c> exactly as a
/// wrong secret does, the reason logged), its tokens are refused, it cannot introspect or revoke, and
/// its users see an error page instead of being sent back to it. Enabling it restores everything.
/// </summary>
public sealed class DisabledClientTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private readonly HttpClient _http = app.CreateClient();

    public enum Grant { ClientCredentials, AuthorizationCode, RefreshToken, Password }

    [Theory]
    [InlineData(Grant.ClientCredentials)]
    [InlineData(Grant.AuthorizationCode)]
    [InlineData(Grant.RefreshToken)]
    [InlineData(Grant.Password)]
    public async Task DisabledClient_IsRefusedAtEveryGrant_WithTheWrongSecretAnswer(Grant grant)
    {
        var client = await app.RegisterClientAsync(clientCredentials: true, authorizationCode: true, password: true);
        var email = await app.CreateUserAsync();
        // What the grant needs, got while the client may still have it.
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), client);
        var code = grant == Grant.AuthorizationCode ? await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword) : null;
        var refreshToken = grant == Grant.RefreshToken
            ? (await driver.RedeemAsync(_http, await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword))).RefreshToken
            : null;

        await app.SetEnabledAsync(client, enabled: false);
        var refused = grant switch
        {
            Grant.ClientCredentials => await _http.RequestClientTokenAsync(client),
            Grant.AuthorizationCode => await driver.RedeemAsync(_http, code!),
            Grant.RefreshToken => await RefreshAsync(client, refreshToken!),
            _ => await _http.RequestPasswordTokenAsync(client, email, AuthClientsAppFactory.UserPassword),
        };
        var wrongSecret = await _http.RequestClientTokenAsync(client with { Secret = "wrong" });

        Assert.Equal(wrongSecret.HttpStatusCode, refused.HttpStatusCode);
        Assert.Null(refused.AccessToken);
        Assert.Equal("invalid_client", refused.ErrorCode());
        Assert.Equal(Body(wrongSecret), Body(refused));
        Assert.Contains(app.LogEntries, e => e.Message.Contains($"client_id {client.ClientId}: client disabled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DisabledClient_TokensIssuedBefore_AreRefusedByTheApi_AndInactiveAtIntrospection()
    {
        var client = await app.RegisterClientAsync(clientCredentials: true, password: true, scopes: ["auth_clients.read"]);
        var clientToken = await _http.RequestClientCredentialsTokenAsync(client, "auth_clients.read");
        var userTokens = await _http.RequestPasswordTokenAsync(client, await app.CreateUserAsync(), AuthClientsAppFactory.UserPassword, "openid auth_clients.read");
        Assert.False(userTokens.IsError, userTokens.Raw);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetMeAsync(clientToken)).StatusCode);
        Assert.True((await _http.IntrospectAsync(client, clientToken)).IsActive);
        var other = await app.RegisterClientAsync();

        await app.SetEnabledAsync(client, enabled: false);

        // Without a database entry (client credentials) and with one (a person's).
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.GetMeAsync(clientToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.GetMeAsync(userTokens.AccessToken!)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await UserInfoAsync(userTokens.AccessToken!)).StatusCode);
        foreach (var token in new[] { clientToken, userTokens.AccessToken! })
        {
            var introspection = await _http.IntrospectAsync(other, token);
            Assert.Equal(HttpStatusCode.OK, introspection.HttpStatusCode);
            Assert.Equal("""{"active":false}""", Body(introspection));
        }
    }

    [Fact]
    public async Task DisabledClient_CannotIntrospectOrRevoke()
    {
        var client = await app.RegisterClientAsync();
        var token = (await _http.RequestClientTokenAsync(client)).AccessToken!;

        await app.SetEnabledAsync(client, enabled: false);
        var introspection = await _http.IntrospectAsync(client, token);
        var revocation = await RevokeAsync(client, token);

        Assert.Equal("invalid_client", introspection.ErrorCode());
        Assert.Equal("invalid_client", revocation.ErrorCode());
    }

    [Fact]
    public async Task DisabledClient_AuthorizationRequest_ShowsTheErrorPage_NotARedirectToTheClient()
    {
        var client = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true);
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), client);

        await app.SetEnabledAsync(client, enabled: false);
        var response = await app.CreateBrowser().GetAsync(driver.AuthorizeUrl());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains($"<h1 class=\"h3\">{DisabledClients.PageTitle}</h1>", html, StringComparison.Ordinal);
        Assert.Contains("disabled by an administrator", html, StringComparison.Ordinal);
        Assert.Contains("</nav>", html, StringComparison.Ordinal); // in the app's layout
        Assert.DoesNotContain(RegisteredClients.RedirectUri, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnablingAgain_RestoresTokensIssuedBefore_AndEveryGrant()
    {
        var client = await app.RegisterClientAsync(clientCredentials: true, authorizationCode: true);
        var email = await app.CreateUserAsync();
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), client);
        var userTokens = await driver.RedeemAsync(_http, await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword));
        var clientToken = (await _http.RequestClientTokenAsync(client)).AccessToken!;
        await app.SetEnabledAsync(client, enabled: false);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.GetMeAsync(clientToken)).StatusCode);
        Assert.Equal("invalid_client", (await RefreshAsync(client, userTokens.RefreshToken!)).ErrorCode());

        await app.SetEnabledAsync(client, enabled: true);

        Assert.Equal(HttpStatusCode.OK, (await _http.GetMeAsync(clientToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetMeAsync(userTokens.AccessToken!)).StatusCode);
        Assert.True((await _http.IntrospectAsync(client, clientToken)).IsActive);
        var refreshed = await RefreshAsync(client, userTokens.RefreshToken!);
        Assert.False(refreshed.IsError, refreshed.Raw);
        Assert.False((await _http.RequestClientTokenAsync(client)).IsError);
        Assert.NotEmpty(await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword));
    }

    /// <summary>The JSON body, without its formatting.</summary>
    private static string Body(ProtocolResponse response)
    {
        using var body = JsonDocument.Parse(response.Raw!);
        return JsonSerializer.Serialize(body.RootElement);
    }

    private Task<TokenResponse> RefreshAsync(RegisteredClient client, string refreshToken) =>
        _http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = "/connect/token",
            ClientId = client.ClientId,
            ClientSecret = client.Secret,
            RefreshToken = refreshToken,
        });

    private Task<TokenRevocationResponse> RevokeAsync(RegisteredClient client, string token) =>
        _http.RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = "/connect/revoke",
            ClientId = client.ClientId,
            ClientSecret = client.Secret,
            Token = token,
        });

    private async Task<HttpResponseMessage> UserInfoAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connect/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await _http.SendAsync(request);
    }
}
