using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Connect;

namespace AuthClients.Tests.Api;

/// <summary>
/// An access token is taken from the Authorization header only, with "Bearer" in any case: for
/// every kind of token (a client's JWT, a person's JWT, a personal access token) and every resource
/// that takes one (the API, <c>/connect/userinfo</c>). A token in a URL ends up in proxy logs and
/// browser history; one in a form body can be planted by another site's form.
/// </summary>
public sealed class BearerTokenPlacementTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private readonly HttpClient _http = app.CreateClient();

    public enum TokenKind { ClientJwt, UserJwt, PersonalAccessToken }

    public enum Placement { Query, Form }

    [Theory]
    [InlineData(TokenKind.ClientJwt, "Bearer")]
    [InlineData(TokenKind.ClientJwt, "bearer")]
    [InlineData(TokenKind.ClientJwt, "BEARER")]
    [InlineData(TokenKind.UserJwt, "bearer")]
    [InlineData(TokenKind.UserJwt, "BeArEr")]
    [InlineData(TokenKind.PersonalAccessToken, "Bearer")]
    [InlineData(TokenKind.PersonalAccessToken, "bearer")]
    [InlineData(TokenKind.PersonalAccessToken, "BEARER")]
    public async Task TokenInTheAuthorizationHeader_IsAccepted_WhateverTheCaseOfTheScheme(TokenKind kind, string scheme)
    {
        var token = await IssueAsync(kind);

        var response = await SendAsync(HttpMethod.Get, "/api/1.0/me", $"{scheme} {token}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(TokenKind.ClientJwt, Placement.Query)]
    [InlineData(TokenKind.ClientJwt, Placement.Form)]
    [InlineData(TokenKind.UserJwt, Placement.Query)]
    [InlineData(TokenKind.UserJwt, Placement.Form)]
    [InlineData(TokenKind.PersonalAccessToken, Placement.Query)]
    [InlineData(TokenKind.PersonalAccessToken, Placement.Form)]
    public async Task TokenInTheUrlOrTheForm_IsRefusedByTheApi(TokenKind kind, Placement placement)
    {
        var token = await IssueAsync(kind);

        var response = placement == Placement.Query
            ? await _http.GetAsync($"/api/1.0/me?access_token={Uri.EscapeDataString(token)}")
            : await _http.PostAsync("/api/1.0/auth-clients", new FormUrlEncodedContent([new("access_token", token), new("name", "planted")]));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task UserInfo_TakesTheTokenFromTheHeaderOnly()
    {
        var token = await IssueAsync(TokenKind.UserJwt);

        var inHeader = await SendAsync(HttpMethod.Get, "/connect/userinfo", $"bearer {token}");
        var inQuery = await _http.GetAsync($"/connect/userinfo?access_token={Uri.EscapeDataString(token)}");
        var inForm = await _http.PostAsync("/connect/userinfo", new FormUrlEncodedContent([new("access_token", token)]));

        Assert.Equal(HttpStatusCode.OK, inHeader.StatusCode);
        foreach (var refused in new[] { inQuery, inForm })
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(AuthorizationHeaderOnly.InUrlOrFormDescription, refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
    }

    private async Task<string> IssueAsync(TokenKind kind)
    {
        switch (kind)
        {
            case TokenKind.ClientJwt:
                var token = await _http.RequestClientTokenAsync(await app.RegisterClientAsync());
                Assert.False(token.IsError, token.Raw);
                return token.AccessToken!;
            case TokenKind.UserJwt:
                var client = await app.RegisterClientAsync(clientCredentials: false, password: true, scopes: ["auth_clients.read"]);
                var userToken = await _http.RequestPasswordTokenAsync(client, await app.CreateUserAsync(), AuthClientsAppFactory.UserPassword, "openid auth_clients.read");
                Assert.False(userToken.IsError, userToken.Raw);
                return userToken.AccessToken!;
            default:
                var (_, userId) = await app.CreateUserWithIdAsync();
                return (await app.CreatePersonalAccessTokenAsync(userId)).Token;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string authorization)
    {
        using var request = new HttpRequestMessage(method, url);
        Assert.True(request.Headers.TryAddWithoutValidation("Authorization", authorization));
        return await _http.SendAsync(request);
    }
}
