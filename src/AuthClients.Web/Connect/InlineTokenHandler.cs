using System.Security.Claims;
using AuthClients.Web.Authorization;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthClients.Web.Connect;

/// <summary>
/// Answers token requests inside OpenIddict, without going through MVC (routing to a controller,
/// filters, model binding), which cost as much as the rest of the request: client_credentials, and
/// the authorization_code and refresh_token grants, which only need the user to still be active.
/// The password grant (and, in the baseline, every grant) is passed through to
/// <see cref="AuthorizationController.Exchange"/>, as OpenIddict's own pass-through handler (which
/// this one replaces) did. OpenIddict has validated the client, its secret, its permissions and
/// the code or refresh token (single use, PKCE, redirect URI, the authorization's state) before this runs.
/// </summary>
public sealed class InlineTokenHandler(IOpenIddictApplicationManager applications, IServiceProvider services, IOptions<TokenPerformanceOptions> performance)
    : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    /// <summary>OpenIddict's pass-through handler for the token endpoint, which this one takes the place of.</summary>
    public static OpenIddictServerHandlerDescriptor Replaced { get; } =
        OpenIddictServerAspNetCoreHandlers.EnablePassthroughMode<HandleTokenRequestContext, OpenIddictServerAspNetCoreHandlerFilters.RequireTokenEndpointPassthroughEnabled>.Descriptor;

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .AddFilter<OpenIddictServerAspNetCoreHandlerFilters.RequireHttpRequest>()
            .UseScopedHandler<InlineTokenHandler>()
            .SetOrder(Replaced.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <summary>The answer when the user of a code or refresh token was deleted or deactivated since.</summary>
    public const string UserNotAllowedDescription = "The user is no longer allowed to sign in.";

    private readonly bool _clientCredentials = performance.Value.EffectiveHandleClientCredentialsInline;
    private readonly bool _userGrants = performance.Value.EffectiveHandleUserGrantsInline;

    public async ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        if (_clientCredentials && context.Request.IsClientCredentialsGrantType())
        {
            context.SignIn(new ClaimsPrincipal(await CreateIdentityAsync(applications, context.Request, context.CancellationToken)));
            return;
        }

        if (_userGrants && (context.Request.IsAuthorizationCodeGrantType() || context.Request.IsRefreshTokenGrantType()) && context.Principal is { } grant)
        {
            // Only the fields the tokens carry and whether the user may still sign in, as the read
            // of the token found them (GrantUsers), or else read here (no tracking, no UserManager).
            var user = grant.GetClaim(Claims.Subject) is not { } userId ? null
                : services.GetRequiredService<GrantUsers>().TryFind(userId, out var read) ? read
                : await UserById.RunAsync(services.GetRequiredService<AppDbContext>(), userId, context.CancellationToken);
            if (user is null || !user.IsActive)
            {
                context.Reject(Errors.InvalidGrant, UserNotAllowedDescription);
                return;
            }

            // The code or refresh token is redeemed at sign-in, by SingleUse.
            context.SignIn(new ClaimsPrincipal(UserTokenClaims.Renewed(user, grant)));
            return;
        }

        context.SkipRequest(); // to the controller
    }

    private static readonly PerModelQuery<string, AppUser?> UserById = new((db, id, _) =>
        db.Users.AsNoTracking().TagWith(PreparedGrantStatements.Tag).FirstOrDefault(u => u.Id == id));

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
