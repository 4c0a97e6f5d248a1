using AuthClients.Web.Connect;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.AuthClients;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.BrowserTests.Infrastructure;

/// <summary>Puts clients in place behind the pages' back, for tests about what a browser does with them.</summary>
public static class StoredClients
{
    /// <summary>Registers a client as the Auth Clients page would, and returns its Client ID and secret (null for a public client).</summary>
    public static async Task<(string ClientId, string? Secret)> CreateClientAsync(this AuthClientsAppFactory app, AuthClientSettings settings)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var (result, secret) = await scope.ServiceProvider.GetRequiredService<AuthClientCommands>().CreateAsync(settings, actorId: null, OAuthScopes.Api.ToHashSet());
        if (result.Status != ChangeStatus.Saved)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors?.Select(e => e.Value) ?? []));
        }

        return ((await scope.ServiceProvider.GetRequiredService<AuthClientQueries>().GetClientIdAsync(result.Id!))!, secret);
    }
}
