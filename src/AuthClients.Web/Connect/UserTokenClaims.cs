using System.Collections.Immutable;
using System.Security.Claims;
using AuthClients.Web.Authorization;
using AuthClients.Web.Data.Entities;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Connect;

/// <summary>What a user's tokens say, for every grant that issues them (the controller and <see cref="InlineTokenHandler"/>).</summary>
public static class UserTokenClaims
{
    /// <param name="signedInAt">When the user signed in, for the ID token's <c>auth_time</c> (none for the password grant).</param>
    public static ClaimsIdentity Create(AppUser user, ImmutableArray<string> scopes, DateTimeOffset? signedInAt = null) =>
        WithDestinations(Claimed(user, scopes, signedInAt));

    /// <summary>
    /// For a code or refresh token being exchanged: fresh claims (name, email) with the scopes and
    /// authorization of the original grant, and when the user signed in (for the ID token).
    /// </summary>
    public static ClaimsIdentity Renewed(AppUser user, ClaimsPrincipal grant)
    {
        var identity = Claimed(user, grant.GetScopes(), SignInTimeClaims.SignedInAt(grant));
        identity.SetAuthorizationId(grant.GetAuthorizationId());
        return WithDestinations(identity);
    }

    private static ClaimsIdentity Claimed(AppUser user, ImmutableArray<string> scopes, DateTimeOffset? signedInAt)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id)
            .SetClaim(Claims.Email, user.Email)
            .SetClaim(Claims.Name, user.FullName)
            .SetClaim(Claims.PreferredUsername, user.UserName)
            .SetClaim(AppClaimTypes.SubjectKind, SubjectKinds.User)
            .SetClaim(Claims.AuthenticationTime, signedInAt?.ToUnixTimeSeconds());
        identity.SetScopes(scopes);
        identity.SetResources(OAuthScopes.ApiResource);
        return identity;
    }

    /// <summary>
    /// Names the tokens each claim goes into, once every claim is there. OpenIddict keeps a claim's
    /// destinations as a JSON array in a claim property and writes it with a new stream and JSON
    /// writer for every claim (a twentieth of a refresh's allocations); a user's claims go to one of
    /// two sets, each written once here by OpenIddict itself, so the format stays its own.
    /// </summary>
    private static ClaimsIdentity WithDestinations(ClaimsIdentity identity)
    {
        foreach (var claim in identity.Claims)
        {
            claim.Properties[Properties.Destinations] = InIdentityToken(claim, identity) ? AccessAndIdentityTokens : AccessTokenOnly;
        }

        return identity;
    }

    private static readonly string AccessTokenOnly = Written(Destinations.AccessToken);

    private static readonly string AccessAndIdentityTokens = Written(Destinations.AccessToken, Destinations.IdentityToken);

    private static string Written(params string[] destinations) =>
        new Claim(nameof(Written), "").SetDestinations(destinations).Properties[Properties.Destinations];

    /// <summary>Every claim goes into the access token; the profile and email ones into the ID token too when their scope was granted, and the sign-in time always.</summary>
    private static bool InIdentityToken(Claim claim, ClaimsIdentity identity) => claim.Type switch
    {
        Claims.Name or Claims.PreferredUsername => identity.HasScope(Scopes.Profile),
        Claims.Email => identity.HasScope(Scopes.Email),
        Claims.AuthenticationTime => true,
        _ => false,
    };
}
