using AuthClients.Web.Connect;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.AuthClients;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Infrastructure;

/// <summary>A client as an API consumer receives it from an administrator.</summary>
public sealed record RegisteredClient(string Id, string ClientId, string Secret);

public static class RegisteredClients
{
    public const string RedirectUri = "http://localhost/callback";

    /// <summary>Registers a client through the same service the admin page uses, with the secret it was created with ("" for a public client).</summary>
    public static async Task<RegisteredClient> RegisterClientAsync(
        this AuthClientsAppFactory app,
        bool clientCredentials = true,
        bool authorizationCode = false,
        bool password = false,
        string? name = null,
        string[]? scopes = null,
        bool isPublic = false,
        bool personalAccessTokens = false)
    {
        var settings = new AuthClientSettings
        {
            Name = name ?? $"client-{Guid.NewGuid():N}",
            Grants = new(authorizationCode, clientCredentials, password, personalAccessTokens),
            RedirectUris = authorizationCode ? [RedirectUri] : [],
            IsPublic = isPublic,
            Scopes = AuthClientSettings.ApiScopes(scopes ?? []),
        };
        var created = await app.CreateClientAsync(settings);
        return new RegisteredClient(created.Id, created.ClientId, created.Secret ?? "");
    }

    /// <summary>An access token for a new client holding <paramref name="scopes"/>, from the token endpoint (client credentials).</summary>
    public static async Task<string> ClientAccessTokenAsync(this AuthClientsAppFactory app, params string[] scopes) =>
        await app.CreateClient().RequestClientCredentialsTokenAsync(await app.RegisterClientAsync(scopes: scopes), string.Join(' ', scopes));

    public static Task DeleteClientAsync(this AuthClientsAppFactory app, RegisteredClient client) =>
        app.WithServicesAsync(services => services.GetRequiredService<AuthClientCommands>().DeleteAsync(client.Id));

    /// <summary>Disables or enables <paramref name="client"/>, changing nothing else.</summary>
    public static Task SetEnabledAsync(this AuthClientsAppFactory app, RegisteredClient client, bool enabled) =>
        app.ChangeClientAsync(client, settings => settings with { Enabled = enabled });

    /// <summary>Saves <paramref name="change"/> of the client's current settings through the service the edit page saves with.</summary>
    public static Task ChangeClientAsync(this AuthClientsAppFactory app, RegisteredClient client, Func<AuthClientSettings, AuthClientSettings> change) =>
        app.WithServicesAsync(async services =>
        {
            var current = await services.GetRequiredService<AuthClientQueries>().GetSettingsAsync(client.Id);
            var result = await services.GetRequiredService<AuthClientCommands>().UpdateAsync(client.Id, change(current!), OAuthScopes.Api.ToHashSet());
            Assert.Equal(ChangeStatus.Saved, result.Status);
        });

    public static Task RegenerateSecretAsync(this AuthClientsAppFactory app, RegisteredClient client) =>
        app.WithServicesAsync(services => services.GetRequiredService<AuthClientCredentials>().RegenerateSecretAsync(client.Id));

    /// <summary>The password grant through <paramref name="client"/>, as a legacy program asks for a token.</summary>
    public static Task<TokenResponse> RequestPasswordTokenAsync(this HttpClient http, RegisteredClient client, string email, string password, string? scope = null) =>
        http.RequestPasswordTokenAsync(new PasswordTokenRequest
        {
            Address = "/connect/token",
            ClientId = client.ClientId,
            ClientSecret = client.Secret,
            UserName = email,
            Password = password,
            Scope = scope,
        });

    /// <summary>The refresh grant: <paramref name="client"/> trades <paramref name="refreshToken"/> for new tokens.</summary>
    public static Task<TokenResponse> RequestRefreshAsync(this HttpClient http, RegisteredClient client, string refreshToken) =>
        http.RequestRefreshTokenAsync(new RefreshTokenRequest
        {
            Address = "/connect/token",
            ClientId = client.ClientId,
            ClientSecret = client.Secret,
            RefreshToken = refreshToken,
        });

    /// <summary>A client-credentials token for <paramref name="client"/>.</summary>
    public static Task<TokenResponse> RequestClientTokenAsync(this HttpClient http, RegisteredClient client, string? scope = null) =>
        http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = "/connect/token",
            ClientId = client.ClientId,
            ClientSecret = client.Secret,
            Scope = scope,
        });

    /// <summary><c>/connect/introspect</c>, asked by <paramref name="caller"/> with its secret.</summary>
    public static Task<TokenIntrospectionResponse> IntrospectAsync(this HttpClient http, RegisteredClient caller, string token) =>
        http.IntrospectTokenAsync(new TokenIntrospectionRequest
        {
            Address = "/connect/introspect",
            ClientId = caller.ClientId,
            ClientSecret = caller.Secret,
            Token = token,
        });
}
