using AuthClients.Web.Connect;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.AuthClients;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Infrastructure;

/// <summary>
/// Puts many clients in place quickly, through the same service the page uses, for tests about
/// what the list shows rather than about creating.
/// </summary>
public static class AuthClientSeeding
{
    public static Task SeedClientAsync(this AuthClientsAppFactory app, string name, string? redirectUris = null) =>
        app.WithServicesAsync(async services =>
        {
            var settings = new AuthClientSettings
            {
                Name = name,
                Grants = new(AuthorizationCode: redirectUris is not null, ClientCredentials: redirectUris is null),
                RedirectUris = RedirectUriRules.Split(redirectUris),
            };
            var (result, _) = await services.GetRequiredService<AuthClientCommands>().CreateAsync(settings, actorId: null, OAuthScopes.Api.ToHashSet());
            Assert.Equal(ChangeStatus.Saved, result.Status);
        });
}
