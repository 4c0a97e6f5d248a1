using AuthClients.Web.Connect;
using AuthClients.Web.Features.AuthClients;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.BrowserTests.Infrastructure;

/// <summary>Puts clients in place behind the pages' back, for tests about what a browser does with them.</summary>
public static class StoredClients
{
    /// <summary>Registers a client as the Auth Clients page would, and returns its Client ID and secret (null for a public client).</summary>
    public static async Task<(string ClientId, string? Secret)> CreateClientAsync(this AuthClientsAppFactory app, AuthClientForm form)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var clients = scope.ServiceProvider.GetRequiredService<AuthClientService>();
        var result = await clients.CreateAsync(form, actorId: null, OAuthScopes.Api.ToHashSet());
        if (result.Status != SaveStatus.Saved)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors?.Select(e => e.Value) ?? []));
        }

        return ((await clients.GetClientIdAsync(result.Id!))!, await clients.RevealSecretAsync(result.Id!));
    }
}
