using System.Security.Claims;
using AuthClients.Web.Features.SecondFactor;
using AuthClients.Web.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Authorization;

/// <summary>
/// On every cookie-authenticated request: ends the session of a deleted or deactivated user, or
/// one whose security stamp changed since it signed in (it signed out), and replaces the
/// permission and Super Admin claims with the current ones from the database. The cookie itself
/// carries no rights, so a change applies on the next request. The same goes for the second-factor
/// policy: a user it covers who has no second factor is marked to set one up first.
/// </summary>
internal sealed class CurrentAccessCookieEvents(
    UserAccessService access,
    IOptions<IdentityOptions> identityOptions,
    IOptions<OAuthServerOptions> server,
    IOptions<SecondFactorOptions> secondFactor)
    : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        // Keep Identity's own check (a changed security stamp ends the session), which setting
        // EventsType would otherwise replace.
        await SecurityStampValidator.ValidatePrincipalAsync(context);
        if (context.Principal is null)
        {
            return;
        }

        var userId = context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        var current = userId is null ? null : await access.GetAsync(userId, context.HttpContext.RequestAborted);
        if (current is null || !current.IsActive || !HasCurrentSecurityStamp(context.Principal!, current))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            return;
        }

        var identity = new ClaimsIdentity(
            context.Principal!.Claims.Where(c => c.Type is not (AppClaimTypes.Permission or AppClaimTypes.SuperAdmin or AppClaimTypes.SecondFactorSetupRequired)),
            context.Principal.Identity!.AuthenticationType);
        current.AddClaimsTo(identity);
        if (!current.HasSecondFactor && secondFactor.Value.Covers(current.IsSuperAdmin, current.Permissions))
        {
            identity.AddClaim(new Claim(AppClaimTypes.SecondFactorSetupRequired, "true"));
        }

        context.ReplacePrincipal(new ClaimsPrincipal(identity));
    }

    /// <summary>
    /// Identity checks the stamp only every 30 minutes; checking it here, on the row already read,
    /// makes a sign-out (which changes the stamp) refuse a copy of the old cookie at once.
    /// </summary>
    private bool HasCurrentSecurityStamp(ClaimsPrincipal principal, UserAccess current) =>
        current.SecurityStamp is null ||
        string.Equals(principal.FindFirstValue(identityOptions.Value.ClaimsIdentity.SecurityStampClaimType), current.SecurityStamp, StringComparison.Ordinal);

    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context)
    {
        // A friendly 403 page (rendered by the status code pages) instead of a redirect, so the
        // browser, tests and scripts all see what happened.
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context)
    {
        if (IsScriptRequest(context.Request))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        }

        // ASP.NET Core builds this URL from the request's scheme and Host header, which anyone can
        // set: the configured issuer is the app's public address (checklist 44).
        if (server.Value.Issuer is { } issuer && Uri.TryCreate(context.RedirectUri, UriKind.Absolute, out var target))
        {
            context.RedirectUri = new UriBuilder(target) { Scheme = issuer.Scheme, Host = issuer.Host, Port = issuer.Port }.Uri.AbsoluteUri;
        }

        return base.RedirectToLogin(context);
    }

    private static bool IsScriptRequest(HttpRequest request) =>
        request.Headers.Accept.Any(a => a?.Contains("application/json", StringComparison.OrdinalIgnoreCase) == true);
}
