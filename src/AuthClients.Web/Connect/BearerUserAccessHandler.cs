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
        if (principal.GetClaim(Claims.Subject) is not { } userId)
        {
            return null;
        }

        // Resolved only when read: most bearer tokens are clients', and most users' calls find their access remembered.
        var current = await services.GetRequiredService<AccessStateCache>()
            .UserAsync(userId, () => services.GetRequiredService<UserAccessService>().GetAsync(userId));
        return current is { IsActive: true } ? current : null;
    }
}

/// <summary>
/// OpenIddict's check that a token's authorization (the user's consent) is still valid, on the
/// API (<c>ValidateAuthorizationEntry</c>, which it replaces), answered by
/// <see cref="AccessStateCache"/> when the answer is current: a user's access token has no row of
/// its own, so without this every call would read the authorization.
/// </summary>
public sealed class CachedAuthorizationEntryCheck(AccessStateCache cache, IOpenIddictAuthorizationManager authorizations) :
    IOpenIddictValidationHandler<OpenIddictValidationEvents.ValidateTokenContext>
{
    public static OpenIddictValidationHandlerDescriptor Descriptor { get; } =
        OpenIddictValidationHandlerDescriptor.CreateBuilder<OpenIddictValidationEvents.ValidateTokenContext>()
            .AddFilter<OpenIddictValidationHandlerFilters.RequireAuthorizationEntryValidationEnabled>()
            .AddFilter<OpenIddictValidationHandlerFilters.RequireAuthorizationIdResolved>()
            .UseScopedHandler<CachedAuthorizationEntryCheck>()
            .SetOrder(OpenIddictValidationHandlers.Protection.ValidateAuthorizationEntry.Descriptor.Order)
            .SetType(OpenIddictValidationHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(OpenIddictValidationEvents.ValidateTokenContext context)
    {
        var id = context.AuthorizationId!;
        if (!await cache.AuthorizationIsValidAsync(id, () => IsValidAsync(id, context.CancellationToken)))
        {
            // OpenIddict's own answer (ID2023) for a revoked or deleted authorization.
            context.Reject(Errors.InvalidToken, "The authorization associated with the token is no longer valid.");
        }
    }

    private async Task<bool> IsValidAsync(string id, CancellationToken cancellationToken) =>
        await authorizations.FindByIdAsync(id, cancellationToken) is { } authorization
        && await authorizations.HasStatusAsync(authorization, Statuses.Valid, cancellationToken);
}
