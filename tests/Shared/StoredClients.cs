using AuthClients.Web.Connect;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.AuthClients;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Shared;

/// <summary>A client created behind the pages' back: its id, Client ID, and the secret it was created with (null for a public client).</summary>
public sealed record CreatedClient(string Id, string ClientId, string? Secret);

/// <summary>Puts clients in place through the service the Auth Clients page uses, for tests whose subject is not creating them.</summary>
public static class StoredClients
{
    /// <summary>
    /// Creates a client through <see cref="AuthClientCommands"/> (no actor, every API scope
    /// grantable) and returns the secret it hands out once, so nothing is copied and audited.
    /// </summary>
    public static Task<CreatedClient> CreateClientAsync(this AuthClientsAppFactory app, AuthClientSettings settings) =>
        app.WithServicesAsync(async services =>
        {
            var (result, secret) = await services.GetRequiredService<AuthClientCommands>().CreateAsync(settings, actorId: null, OAuthScopes.Api.ToHashSet());
            Assert.True(
                result.Status == ChangeStatus.Saved,
                $"The client {settings.Name} was not created ({result.Status}): {string.Join("; ", result.Errors?.Select(e => e.Value) ?? [])}");
            var clientId = await services.GetRequiredService<AuthClientQueries>().GetClientIdAsync(result.Id!);
            return new CreatedClient(result.Id!, clientId!, secret);
        });
}
