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
            var form = new AuthClientForm
            {
                Name = name,
                EnableAuthorizationCode = redirectUris is not null,
                EnableClientCredentials = redirectUris is null,
                RedirectUris = redirectUris,
            };
            var result = await services.GetRequiredService<AuthClientService>().CreateAsync(form, actorId: null, OAuthScopes.Api.ToHashSet());
            Assert.Equal(ChangeStatus.Saved, result.Status);
        });
}
