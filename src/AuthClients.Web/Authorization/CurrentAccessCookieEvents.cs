using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace AuthClients.Web.Authorization;

/// <summary>
/// On every cookie-authenticated request: ends the session of a deleted or deactivated user, and
/// replaces the permission and Super Admin claims with the current ones from the database. The
/// cookie itself carries no rights, so a change applies on the next request.
/// </summary>
internal sealed class CurrentAccessCookieEvents(UserAccessService access) : CookieAuthenticationEvents
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
        if (current is null || !current.IsActive)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            return;
        }

        var identity = new ClaimsIdentity(
            context.Principal!.Claims.Where(c => c.Type is not (AppClaimTypes.Permission or AppClaimTypes.SuperAdmin)),
            context.Principal.Identity!.AuthenticationType);
        identity.AddClaims(current.Permissions.Select(p => new Claim(AppClaimTypes.Permission, p)));
        if (current.IsSuperAdmin)
        {
            identity.AddClaim(new Claim(AppClaimTypes.SuperAdmin, "true"));
        }

        context.ReplacePrincipal(new ClaimsPrincipal(identity));
    }

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

        return base.RedirectToLogin(context);
    }

    private static bool IsScriptRequest(HttpRequest request) =>
        request.Headers.Accept.Any(a => a?.Contains("application/json", StringComparison.OrdinalIgnoreCase) == true);
}
