using System.Net;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Features.AuthClients;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Connect;

/// <summary>An API consumer with a Client ID and Client Secret, using an OAuth library not written here.</summary>
public sealed class ClientCredentialsTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private readonly HttpClient _http = app.CreateClient();

    [Fact]
    public async Task Discovery_PublishesEndpointsAndOnlyS256()
    {
        var discovery = await DiscoverAsync();

        Assert.False(discovery.IsError, discovery.Error);
        Assert.Equal(_http.BaseAddress!.ToString(), discovery.Issuer);
        Assert.EndsWith("/connect/token", discovery.TokenEndpoint, StringComparison.Ordinal);
        Assert.EndsWith("/connect/introspect", discovery.IntrospectionEndpoint, StringComparison.Ordinal);
        Assert.EndsWith("/connect/revoke", discovery.RevocationEndpoint, StringComparison.Ordinal);
        Assert.Equal(["S256"], discovery.CodeChallengeMethodsSupported);
        Assert.DoesNotContain("token", discovery.ResponseTypesSupported);
        Assert.NotEmpty(discovery.KeySet!.Keys);
    }

    [Fact]
    public async Task OAuthAuthorizationServerMetadata_IsServedToo()
    {
        var response = await _http.GetAsync("/.well-known/oauth-authorization-server");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var metadata = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(_http.BaseAddress!.ToString(), metadata.RootElement.GetProperty("issuer").GetString());
    }

    [Fact]
    public async Task ClientCredentials_WithCopiedSecret_IssuesTokenTheApiAccepts()
    {
        var client = await app.RegisterClientAsync();

        var token = await RequestTokenAsync(client.ClientId, client.Secret);
        Assert.False(token.IsError, token.Error);
        Assert.Equal("no-store", token.HttpResponse!.Headers.CacheControl?.ToString());

        var me = await CallMeAsync(token.AccessToken!);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using var body = JsonDocument.Parse(await me.Content.ReadAsStringAsync());
        Assert.Equal("client", body.RootElement.GetProperty("kind").GetString());
        Assert.Equal(client.ClientId, body.RootElement.GetProperty("client_id").GetString());
    }

    [Fact]
    public async Task AccessToken_CarriesIssuerAudienceExpiryAndClientId()
    {
        var client = await app.RegisterClientAsync();
        var token = await RequestTokenAsync(client.ClientId, client.Secret);

        var jwt = new System.IdentityModel.Tokens.Jwt.JwtSecurityToken(token.AccessToken);
        Assert.Equal(_http.BaseAddress!.ToString(), jwt.Issuer);
        Assert.Contains("authclients-api", jwt.Audiences);
        Assert.True(jwt.ValidTo > DateTime.UtcNow);
        Assert.Equal(client.ClientId, jwt.Claims.Single(c => c.Type == "client_id").Value);
        Assert.Equal("ES256", jwt.Header.Alg);
    }

    [Fact]
    public async Task WrongSecret_And_UnknownClient_LookTheSame()
    {
        var client = await app.RegisterClientAsync();

        var wrongSecret = await RequestTokenAsync(client.ClientId, "not-the-secret");
        var unknownClient = await RequestTokenAsync("999999", "not-the-secret");

        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.HttpStatusCode);
        Assert.Equal("invalid_client", wrongSecret.ErrorCode());
        Assert.Equal(wrongSecret.HttpStatusCode, unknownClient.HttpStatusCode);
        Assert.Equal(wrongSecret.Raw, unknownClient.Raw);
        Assert.Contains(wrongSecret.HttpResponse!.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
    }

    [Fact]
    public async Task ClientWithoutClientCredentialsGrant_GetsUnauthorizedClient()
    {
        var client = await app.RegisterClientAsync(clientCredentials: false, password: true);

        var token = await RequestTokenAsync(client.ClientId, client.Secret);

        Assert.Equal("unauthorized_client", token.ErrorCode());
    }

    [Fact]
    public async Task PasswordGrant_ForClientWithoutIt_IsRefused()
    {
        var client = await app.RegisterClientAsync();

        var token = await _http.RequestPasswordTokenAsync(client, AuthClientsAppFactory.AdminEmail, AuthClientsAppFactory.AdminPassword);

        Assert.Equal("unauthorized_client", token.ErrorCode());
    }

    [Fact]
    public async Task UnassignedScope_GetsInvalidScope()
    {
        var client = await app.RegisterClientAsync();

        var token = await _http.RequestClientTokenAsync(client, "auth_clients.write");

        Assert.Equal("invalid_scope", token.ErrorCode());
    }

    [Fact]
    public async Task DeletingClient_StopsItsTokensAtOnce()
    {
        var client = await app.RegisterClientAsync();
        var token = await RequestTokenAsync(client.ClientId, client.Secret);
        var observer = await app.RegisterClientAsync();

        await app.DeleteClientAsync(client);

        Assert.Equal("invalid_client", (await RequestTokenAsync(client.ClientId, client.Secret)).ErrorCode());
        var me = await CallMeAsync(token.AccessToken!);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Contains(me.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        var introspection = await IntrospectAsync(observer, token.AccessToken!);
        Assert.False(introspection.IsActive);
        Assert.Equal("{\"active\":false}", introspection.Raw!.Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RegeneratingSecret_RefusesTheOldOneAtOnce()
    {
        var client = await app.RegisterClientAsync();

        await app.RegenerateSecretAsync(client);

        Assert.Equal("invalid_client", (await RequestTokenAsync(client.ClientId, client.Secret)).ErrorCode());
        var renewed = await app.WithServicesAsync(services =>
            services.GetRequiredService<AuthClientCredentials>().RevealSecretAsync(client.Id));
        Assert.False((await RequestTokenAsync(client.ClientId, renewed!)).IsError);
    }

    [Fact]
    public async Task Introspection_OfOwnActiveToken_IsActive_AndWithoutAuthentication_Is401()
    {
        var client = await app.RegisterClientAsync();
        var token = await RequestTokenAsync(client.ClientId, client.Secret);

        var introspection = await IntrospectAsync(client, token.AccessToken!);
        var anonymous = await _http.PostAsync("/connect/introspect", new FormUrlEncodedContent([new("token", token.AccessToken!)]));

        Assert.True(introspection.IsActive);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Revocation_OfGarbage_Answers200_AndWithoutAuthentication_401()
    {
        var client = await app.RegisterClientAsync();

        var garbage = await _http.RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = "/connect/revoke",
            ClientId = client.ClientId,
            ClientSecret = client.Secret,
            Token = "not-a-token",
        });
        var anonymous = await _http.PostAsync("/connect/revoke", new FormUrlEncodedContent([new("token", "not-a-token")]));

        Assert.False(garbage.IsError, garbage.Error);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Api_WithoutToken_Is401WithBearerChallenge_AndIgnoresTheSessionCookie()
    {
        var browser = await app.SignedInAsAdminAsync();

        var response = await browser.GetAsync("/api/1.0/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task Api_RefusesAnUnsignedCopyOfAValidToken()
    {
        var client = await app.RegisterClientAsync();
        var token = (await RequestTokenAsync(client.ClientId, client.Secret)).AccessToken!;
        var unsigned = System.Buffers.Text.Base64Url.EncodeToString("{\"alg\":\"none\",\"typ\":\"at+jwt\"}"u8) + "." + token.Split('.')[1] + ".";

        Assert.Equal(HttpStatusCode.Unauthorized, (await CallMeAsync(unsigned)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await CallMeAsync(token)).StatusCode);
    }

    private Task<DiscoveryDocumentResponse> DiscoverAsync() =>
        _http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = _http.BaseAddress!.ToString(),
            Policy = { RequireHttps = false },
        });

    private Task<TokenResponse> RequestTokenAsync(string clientId, string secret) =>
        _http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = "/connect/token",
            ClientId = clientId,
            ClientSecret = secret,
        });

    private Task<TokenIntrospectionResponse> IntrospectAsync(RegisteredClient caller, string token) => _http.IntrospectAsync(caller, token);

    private Task<HttpResponseMessage> CallMeAsync(string accessToken) => _http.GetMeAsync(accessToken);
}
