using AuthClients.Web.Data.Entities;
using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthClients.Web.Connect;

/// <summary>
/// Records the use of a public client (no secret: authorization code and refresh token grants) on
/// each successful token response, in <see cref="ClientUsage"/> with no credential. Confidential
/// clients are recorded where their secret is checked (<see cref="AuthClientApplicationManager"/>),
/// so this handler returns at once for them: a singleton, it resolves nothing on their requests.
/// The client comes from the manager's per-request copy (read while OpenIddict validated the
/// request, or from <see cref="AuthClientCache"/>), so recording reads nothing from the database.
/// </summary>
public sealed class PublicClientUsage(ClientUsage usage) : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .AddFilter<OpenIddictServerAspNetCoreHandlerFilters.RequireHttpRequest>()
            .UseSingletonHandler<PublicClientUsage>()
            .SetOrder(int.MinValue + 100_000) // before the response is written
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        // A public client presents neither a secret nor an assertion (OpenIddict refuses a confidential client without one).
        if (!usage.Enabled
            || context.Request is not { ClientId: { Length: > 0 } clientId } request
            || !string.IsNullOrEmpty(context.Response.Error)
            || request.ClientSecret is not null
            || request.ClientAssertion is not null
            || request.IsClientCredentialsGrantType())
        {
            return;
        }

        var applications = context.Transaction.GetHttpRequest()!.HttpContext.RequestServices.GetRequiredService<IOpenIddictApplicationManager>();
        if (await applications.FindByClientIdAsync(clientId, context.CancellationToken) is AuthClientApplication { Id: { } id } application
            && application.ClientType == ClientTypes.Public)
        {
            usage.Record(id, credentialId: null);
        }
    }
}
