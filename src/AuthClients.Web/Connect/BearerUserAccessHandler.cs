using System.Security.Claims;
using AuthClients.Web.Authorization;
using OpenIddict.Abstractions;
using OpenIddict.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Validation.OpenIddictValidationEvents;

namespace AuthClients.Web.Connect;

/// <summary>
/// For a bearer token issued to a person: refuses it when that user was deleted or deactivated,
/// and otherwise gives the request the user's current permissions, read fresh like the cookie's.
/// </summary>
public sealed class BearerUserAccessHandler(IServiceProvider services) : IOpenIddictValidationHandler<ProcessAuthenticationContext>
{
    public static OpenIddictValidationHandlerDescriptor Descriptor { get; } =
        OpenIddictValidationHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .UseScopedHandler<BearerUserAccessHandler>()
            .SetOrder(int.MaxValue - 100_000) // after OpenIddict has validated the token
            .SetType(OpenIddictValidationHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        var principal = context.AccessTokenPrincipal;
        if (principal?.Identity is not ClaimsIdentity identity || principal.GetClaim(AppClaimTypes.SubjectKind) != SubjectKinds.User)
        {
            return;
        }

        // Resolved here, not injected: most bearer tokens are clients', which need no database read.
        var access = services.GetRequiredService<UserAccessService>();
        var current = principal.GetClaim(Claims.Subject) is { } userId ? await access.GetAsync(userId) : null;
        if (current is null || !current.IsActive)
        {
            context.Reject(Errors.InvalidToken, "The user of this token no longer exists or is inactive.");
            return;
        }

        current.AddClaimsTo(identity);
    }
}
