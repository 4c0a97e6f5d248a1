using System.Globalization;
using System.Security.Claims;
using AuthClients.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Authorization;

/// <summary>
/// Puts the time the user signed in (<c>auth_time</c>, Unix seconds) into the session at sign-in, and
/// keeps it when Identity refreshes the session: the authorization endpoint answers <c>max_age</c>
/// with it and ID tokens carry it (OpenID Connect Core 2, 3.1.2.1). The cookie's own issue time is
/// no use: sliding expiration renews it.
/// </summary>
public sealed class SignInTimeClaims(UserManager<AppUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options, TimeProvider clock)
    : UserClaimsPrincipalFactory<AppUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(Claims.AuthenticationTime, clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        return identity;
    }

    /// <summary>For <see cref="SecurityStampValidatorOptions.OnRefreshingPrincipal"/>: a refreshed session was still signed in at the same time.</summary>
    public static Task KeepSignInTime(SecurityStampRefreshingPrincipalContext context)
    {
        if (context.CurrentPrincipal?.FindFirst(Claims.AuthenticationTime) is { } signedIn && context.NewPrincipal?.Identity is ClaimsIdentity identity)
        {
            identity.RemoveClaim(identity.FindFirst(Claims.AuthenticationTime));
            identity.AddClaim(new Claim(signedIn.Type, signedIn.Value, signedIn.ValueType));
        }

        return Task.CompletedTask;
    }

    /// <summary>When the user behind this session signed in, if the session says so.</summary>
    public static DateTimeOffset? SignedInAt(ClaimsPrincipal session) =>
        long.TryParse(session.FindFirstValue(Claims.AuthenticationTime), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
