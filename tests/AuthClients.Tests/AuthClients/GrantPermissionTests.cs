using AuthClients.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Tests.AuthClients;

/// <summary>
/// The grant types ticked on the form become the OpenIddict permissions the token endpoint
/// enforces: exactly those grants, and combining them never takes one away.
/// </summary>
public sealed class GrantPermissionTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    private const string Redirect = "https://grants.example.com/callback";

    [Fact]
    public async Task ClientCredentialsOnly_AllowsClientCredentialsAndNoUserFlow()
    {
        var client = await CreateAsync(clientCredentials: true);

        Assert.Contains(Permissions.GrantTypes.ClientCredentials, client.Permissions);
        Assert.Contains(Permissions.Endpoints.Token, client.Permissions);
        Assert.DoesNotContain(Permissions.GrantTypes.AuthorizationCode, client.Permissions);
        Assert.DoesNotContain(Permissions.GrantTypes.Password, client.Permissions);
        Assert.DoesNotContain(Permissions.GrantTypes.RefreshToken, client.Permissions);
        Assert.DoesNotContain(Permissions.Endpoints.Authorization, client.Permissions);
        Assert.DoesNotContain(Permissions.ResponseTypes.Code, client.Permissions);
        Assert.Empty(client.RedirectUris);
        Assert.Equal(ClientTypes.Confidential, client.ClientType);
    }

    [Fact]
    public async Task AuthorizationCodeWithPassword_KeepsBothGrants()
    {
        var client = await CreateAsync(authorizationCode: true, password: true);

        Assert.Contains(Permissions.GrantTypes.AuthorizationCode, client.Permissions);
        Assert.Contains(Permissions.Endpoints.Authorization, client.Permissions);
        Assert.Contains(Permissions.ResponseTypes.Code, client.Permissions);
        Assert.Contains(Permissions.GrantTypes.Password, client.Permissions);
        Assert.Contains(Permissions.GrantTypes.RefreshToken, client.Permissions);
        Assert.Contains(Permissions.Endpoints.Token, client.Permissions);
        Assert.DoesNotContain(Permissions.GrantTypes.ClientCredentials, client.Permissions);
        Assert.Equal([Redirect], client.RedirectUris);
    }

    [Fact]
    public async Task AuthorizationCode_RequiresPkce()
    {
        var client = await CreateAsync(authorizationCode: true);

        Assert.Contains(Requirements.Features.ProofKeyForCodeExchange, client.Requirements);
    }

    [Fact]
    public async Task WithoutAuthorizationCode_PkceIsNotRequired()
    {
        var client = await CreateAsync(clientCredentials: true, password: true);

        Assert.DoesNotContain(Requirements.Features.ProofKeyForCodeExchange, client.Requirements);
        Assert.Contains(Permissions.GrantTypes.Password, client.Permissions);
        Assert.Contains(Permissions.GrantTypes.ClientCredentials, client.Permissions);
        Assert.DoesNotContain(Permissions.GrantTypes.AuthorizationCode, client.Permissions);
    }

    [Fact]
    public async Task PersonalAccessTokensOnly_MarksTheClientAndAllowsNoGrant()
    {
        var client = await CreateAsync(personalAccessTokens: true);

        Assert.Contains("ext:personal_access_tokens", client.Permissions);
        Assert.DoesNotContain(client.Permissions, p => p.StartsWith(Permissions.Prefixes.GrantType, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AllFourChoices_KeepEveryGrant()
    {
        var client = await CreateAsync(authorizationCode: true, clientCredentials: true, password: true, personalAccessTokens: true);

        Assert.Superset(
            new HashSet<string>
            {
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.ClientCredentials,
                Permissions.GrantTypes.Password, Permissions.GrantTypes.RefreshToken, "ext:personal_access_tokens",
            },
            client.Permissions.ToHashSet());
        Assert.Contains(Requirements.Features.ProofKeyForCodeExchange, client.Requirements);
    }

    [Fact]
    public async Task Edit_TurningAuthorizationCodeOff_RemovesItsPermissionsPkceAndRedirects()
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = NewName();
        var id = await browser.CreateClientAsync(name, authorizationCode: true, redirectUris: Redirect);

        await browser.EditClientAsync(id, name, clientCredentials: true);

        var client = await ReadAsync(id);
        Assert.Contains(Permissions.GrantTypes.ClientCredentials, client.Permissions);
        Assert.DoesNotContain(Permissions.GrantTypes.AuthorizationCode, client.Permissions);
        Assert.DoesNotContain(Permissions.Endpoints.Authorization, client.Permissions);
        Assert.DoesNotContain(Requirements.Features.ProofKeyForCodeExchange, client.Requirements);
        Assert.Empty(client.RedirectUris);
    }

    [Fact]
    public async Task Edit_TurningAuthorizationCodeOn_AddsItsPermissionsPkceAndRedirects()
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = NewName();
        var id = await browser.CreateClientAsync(name);

        await browser.EditClientAsync(id, name, authorizationCode: true, clientCredentials: false, redirectUris: Redirect);

        var client = await ReadAsync(id);
        Assert.Contains(Permissions.GrantTypes.AuthorizationCode, client.Permissions);
        Assert.DoesNotContain(Permissions.GrantTypes.ClientCredentials, client.Permissions);
        Assert.Contains(Requirements.Features.ProofKeyForCodeExchange, client.Requirements);
        Assert.Equal([Redirect], client.RedirectUris);
    }

    private sealed record Registered(string? ClientType, string[] Permissions, string[] Requirements, string[] RedirectUris);

    private static string NewName() => $"client {Guid.NewGuid():N}";

    private async Task<Registered> CreateAsync(bool authorizationCode = false, bool clientCredentials = false, bool password = false, bool personalAccessTokens = false)
    {
        var browser = await app.SignedInAsAdminAsync();
        var name = NewName();
        var response = await browser.CreateAsync(AuthClientPages.Form(name, authorizationCode, clientCredentials, password, personalAccessTokens,
            redirectUris: authorizationCode ? Redirect : null));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        return await ReadAsync(await browser.FindIdAsync(name));
    }

    /// <summary>The application as OpenIddict has it registered.</summary>
    private Task<Registered> ReadAsync(string id) =>
        app.WithServicesAsync(async services =>
        {
            var manager = services.GetRequiredService<IOpenIddictApplicationManager>();
            var application = await manager.FindByIdAsync(id);
            Assert.NotNull(application);
            return new Registered(
                await manager.GetClientTypeAsync(application),
                [.. await manager.GetPermissionsAsync(application)],
                [.. await manager.GetRequirementsAsync(application)],
                [.. await manager.GetRedirectUrisAsync(application)]);
        });
}
