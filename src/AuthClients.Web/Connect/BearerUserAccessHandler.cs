using System.Security.Claims;
using AuthClients.Web.Authorization;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Validation.OpenIddictValidationEvents;

namespace AuthClients.Web.Connect;

/// <summary>
/// For a bearer token issued to a person: refuses it when that user was deleted or deactivated,
/// and otherwise gives the request the user's current permissions, read fresh like the cookie's.
/// Introspection asks the same questions (<see cref="IntrospectionDescriptor"/>), with the API's
/// audience check, so a token the API refuses is <c>active:false</c> there too.
/// </summary>
public sealed class BearerUserAccessHandler(IServiceProvider services) :
    IOpenIddictValidationHandler<ProcessAuthenticationContext>,
    IOpenIddictServerHandler<OpenIddictServerEvents.ValidateIntrospectionRequestContext>
{
    private const string UserGoneDescription = "The user of this token no longer exists or is inactive.";

    public static OpenIddictValidationHandlerDescriptor Descriptor { get; } =
        OpenIddictValidationHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .UseScopedHandler<BearerUserAccessHandler>()
            .SetOrder(int.MaxValue - 100_000) // after OpenIddict has validated the token
            .SetType(OpenIddictValidationHandlerType.Custom)
            .Build();

    public static OpenIddictServerHandlerDescriptor IntrospectionDescriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ValidateIntrospectionRequestContext>()
            .UseScopedHandler<BearerUserAccessHandler>()
            .SetOrder(OpenIddictServerHandlers.Introspection.ValidateAuthorizedParty.Descriptor.Order + 500) // after OpenIddict's own checks
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        var principal = context.AccessTokenPrincipal;
        if (principal?.Identity is not ClaimsIdentity identity || principal.GetClaim(AppClaimTypes.SubjectKind) != SubjectKinds.User)
        {
            return;
        }

        if (await CurrentUserAsync(principal) is not { } current)
        {
            context.Reject(Errors.InvalidToken, UserGoneDescription);
            return;
        }

        current.AddClaimsTo(identity);
    }

    public async ValueTask HandleAsync(OpenIddictServerEvents.ValidateIntrospectionRequestContext context)
    {
        // The API accepts only access tokens for its audience, and a person's only while they are active.
        var principal = context.GenericTokenPrincipal;
        if (context.IsRejected || principal?.HasTokenType(TokenTypeIdentifiers.AccessToken) != true)
        {
            return;
        }

        if (!principal.HasAudience(OAuthScopes.ApiResource))
        {
            context.Reject(Errors.InvalidToken, "This token is not for this API.");
        }
        else if (principal.GetClaim(AppClaimTypes.SubjectKind) == SubjectKinds.User && await CurrentUserAsync(principal) is null)
        {
            context.Reject(Errors.InvalidToken, UserGoneDescription);
        }
    }

    /// <returns>The current access of the token's user; null when that user is gone or inactive.</returns>
    private async Task<UserAccess?> CurrentUserAsync(ClaimsPrincipal principal)
    {
        // Resolved here, not injected: most bearer tokens are clients', which need no database read.
        var access = services.GetRequiredService<UserAccessService>();
        var current = principal.GetClaim(Claims.Subject) is { } userId ? await access.GetAsync(userId) : null;
        return current is { IsActive: true } ? current : null;
    }
}
