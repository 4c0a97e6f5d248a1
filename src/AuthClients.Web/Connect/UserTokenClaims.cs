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
    public static ClaimsIdentity Create(AppUser user, ImmutableArray<string> scopes) => WithDestinations(Claimed(user, scopes));

    /// <summary>
    /// For a code or refresh token being exchanged: fresh claims (name, email) with the scopes and
    /// authorization of the original grant, and when the user signed in (for the ID token).
    /// </summary>
    public static ClaimsIdentity Renewed(AppUser user, ClaimsPrincipal grant)
    {
        var identity = Claimed(user, grant.GetScopes());
        identity.SetAuthorizationId(grant.GetAuthorizationId());
        identity.SetClaim(Claims.AuthenticationTime, SignInTimeClaims.SignedInAt(grant)?.ToUnixTimeSeconds());
        return WithDestinations(identity);
    }

    private static ClaimsIdentity Claimed(AppUser user, ImmutableArray<string> scopes)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id)
            .SetClaim(Claims.Email, user.Email)
            .SetClaim(Claims.Name, user.FullName)
            .SetClaim(Claims.PreferredUsername, user.UserName)
            .SetClaim(AppClaimTypes.SubjectKind, SubjectKinds.User);
        identity.SetScopes(scopes);
        identity.SetResources(OAuthScopes.ApiResource);
        return identity;
    }

    // Once, when every claim is there: OpenIddict writes each claim's destinations as JSON.
    private static ClaimsIdentity WithDestinations(ClaimsIdentity identity) =>
        identity.SetDestinations(claim => DestinationsOf(claim, identity));

    public static IEnumerable<string> DestinationsOf(Claim claim, ClaimsIdentity identity)
    {
        yield return Destinations.AccessToken;
        var inIdentityToken = claim.Type switch
        {
            Claims.Name or Claims.PreferredUsername => identity.HasScope(Scopes.Profile),
            Claims.Email => identity.HasScope(Scopes.Email),
            Claims.AuthenticationTime => true,
            _ => false,
        };
        if (inIdentityToken)
        {
            yield return Destinations.IdentityToken;
        }
    }
}
