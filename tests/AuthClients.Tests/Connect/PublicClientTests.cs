using System.Net;
using AuthClients.Tests.Infrastructure;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace AuthClients.Tests.Connect;

/// <summary>Browser and mobile apps: public clients, with no secret and only the authorization code grant with PKCE.</summary>
public sealed class PublicClientTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task CreatePublicClient_OnThePage_HasNoSecretAndNoCopyButton()
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = $"spa-{Guid.NewGuid():N}";

        var response = await browser.CreateAsync(AuthClientPages.Form(name, authorizationCode: true, clientCredentials: false, redirectUris: "http://localhost:3000/callback").Append(new("Form.IsPublic", "true")));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var row = await browser.GetStringAsync($"{AuthClientPages.List}?search={name}");
        Assert.Contains(name, row, StringComparison.Ordinal);
        Assert.DoesNotContain("Copy Client Secret to Clipboard", row, StringComparison.Ordinal);
        var type = await app.WithServicesAsync(async services =>
        {
            var manager = services.GetRequiredService<IOpenIddictApplicationManager>();
            var id = await AuthClientPages.FindIdAsync(browser, name);
            return await manager.GetClientTypeAsync((await manager.FindByIdAsync(id))!);
        });
        Assert.Equal(OpenIddictConstants.ClientTypes.Public, type);
    }

    [Fact]
    public async Task PublicClient_WithClientCredentialsGrant_IsRefusedWithAMessage()
    {
        var browser = await app.SignedInAsAdminAsync();

        var response = await browser.CreateAsync(AuthClientPages.Form($"bad-{Guid.NewGuid():N}", clientCredentials: true).Append(new("Form.IsPublic", "true")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("A public client has no secret", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublicClient_CompletesCodeFlowWithPkceAlone()
    {
        var client = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true, isPublic: true);
        var email = await app.CreateUserAsync();
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), client);

        var tokens = await driver.RedeemAsync(app.CreateClient(), await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword));

        Assert.Equal("", client.Secret);
        Assert.False(tokens.IsError, tokens.Raw);
    }

    [Fact]
    public async Task PublicClient_CannotUseClientCredentials()
    {
        var client = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true, isPublic: true);

        var token = await app.CreateClient().RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest { Address = "/connect/token", ClientId = client.ClientId });

        // OpenIddict refuses client_credentials from a public client before looking at permissions.
        Assert.Null(token.AccessToken);
        Assert.Contains(token.ErrorCode(), new[] { "unauthorized_client", "invalid_client", "invalid_request" });
    }
}
