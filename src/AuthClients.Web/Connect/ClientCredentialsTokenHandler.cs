using System.Security.Claims;
using AuthClients.Web.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthClients.Web.Connect;

/// <summary>
/// Answers client_credentials token requests inside OpenIddict, without going through MVC (routing
/// to a controller, filters, model binding), which cost as much as the rest of the request. Every
/// other grant is passed through to <see cref="AuthorizationController.Exchange"/>, as OpenIddict's
/// own pass-through handler (which this one replaces) did. OpenIddict has validated the client, its
/// secret and its permissions before this runs, exactly as for the controller.
/// </summary>
public sealed class ClientCredentialsTokenHandler(IOpenIddictApplicationManager applications, IOptions<TokenPerformanceOptions> performance)
    : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    /// <summary>OpenIddict's pass-through handler for the token endpoint, which this one takes the place of.</summary>
    public static OpenIddictServerHandlerDescriptor Replaced { get; } =
        OpenIddictServerAspNetCoreHandlers.EnablePassthroughMode<HandleTokenRequestContext, OpenIddictServerAspNetCoreHandlerFilters.RequireTokenEndpointPassthroughEnabled>.Descriptor;

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .AddFilter<OpenIddictServerAspNetCoreHandlerFilters.RequireHttpRequest>()
            .UseScopedHandler<ClientCredentialsTokenHandler>()
            .SetOrder(Replaced.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    private readonly bool _inline = performance.Value.EffectiveHandleClientCredentialsInline;

    public async ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        if (_inline && context.Request.IsClientCredentialsGrantType())
        {
            context.SignIn(new ClaimsPrincipal(await CreateIdentityAsync(applications, context.Request, context.CancellationToken)));
            return;
        }

        context.SkipRequest(); // to the controller
    }

    /// <summary>What a client-credentials access token says: the client, its name and the scopes it was given.</summary>
    public static async Task<ClaimsIdentity> CreateIdentityAsync(IOpenIddictApplicationManager applications, OpenIddictRequest request, CancellationToken cancellationToken)
    {
        var application = await applications.FindByClientIdAsync(request.ClientId!, cancellationToken) ?? throw new InvalidOperationException("Unknown client.");
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, request.ClientId)
            .SetClaim(Claims.Name, await applications.GetDisplayNameAsync(application, cancellationToken))
            .SetClaim(AppClaimTypes.SubjectKind, SubjectKinds.Client);
        identity.SetScopes(request.GetScopes());
        identity.SetResources(OAuthScopes.ApiResource);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return identity;
    }
}
