using System.Net;
using AuthClients.Tests.Infrastructure;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Tests.Connect;

/// <summary>
/// A scope the client may not use is <c>invalid_scope</c> (RFC 6749 4.1.2.1 and 5.2), whichever
/// endpoint it is asked at, and whatever makes it unusable: an API scope the client was not given,
/// or <c>offline_access</c> (refresh tokens) for a client without the refresh token grant.
/// </summary>
public sealed class ScopePermissionTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private readonly HttpClient _http = app.CreateClient();

    [Theory]
    [InlineData(Scopes.OfflineAccess)]
    [InlineData("auth_clients.write")]
    public async Task ClientCredentials_WithAScopeTheClientMayNotUse_IsInvalidScope(string scope)
    {
        var client = await app.RegisterClientAsync(scopes: ["auth_clients.read"]);

        var token = await _http.RequestClientTokenAsync(client, scope);

        Assert.Equal(HttpStatusCode.BadRequest, token.HttpStatusCode);
        Assert.Equal("invalid_scope", token.ErrorCode());
    }

    [Theory]
    [InlineData(Scopes.OfflineAccess)]
    [InlineData("auth_clients.write")]
    public async Task PasswordGrant_WithAScopeTheClientMayNotUse_IsInvalidScope(string scope)
    {
        var client = await app.RegisterClientAsync(clientCredentials: false, password: true, scopes: ["auth_clients.read"]);
        await WithoutRefreshTokensAsync(client);

        var token = await _http.RequestPasswordTokenAsync(client, await app.CreateUserAsync(), AuthClientsAppFactory.UserPassword, scope);

        Assert.Equal("invalid_scope", token.ErrorCode());
    }

    [Theory]
    [InlineData("openid " + Scopes.OfflineAccess)]
    [InlineData("openid auth_clients.write")]
    public async Task Authorize_WithAScopeTheClientMayNotUse_IsInvalidScope(string scope)
    {
        var client = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true, scopes: ["auth_clients.read"]);
        await WithoutRefreshTokensAsync(client);
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), client);

        var response = await app.CreateBrowser().GetAsync(driver.AuthorizeUrl(scope));

        // OpenIddict answers on its own page, before the user signs in: no code, no redirect.
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("error:invalid_scope", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>A client registered without the refresh token grant (the admin page always adds it with these grants).</summary>
    private Task WithoutRefreshTokensAsync(RegisteredClient client) => app.WithServicesAsync(async services =>
    {
        var manager = services.GetRequiredService<IOpenIddictApplicationManager>();
        var application = (await manager.FindByIdAsync(client.Id))!;
        var descriptor = new OpenIddictApplicationDescriptor();
        await manager.PopulateAsync(descriptor, application);
        Assert.True(descriptor.Permissions.Remove(Permissions.GrantTypes.RefreshToken));
        await manager.UpdateAsync(application, descriptor);
    });
}
