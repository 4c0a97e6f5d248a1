using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using OpenIddict.Abstractions;

namespace AuthClients.Web.Authorization;

/// <summary>Met when the user holds every listed permission, or is a Super Admin.</summary>
public sealed class PermissionRequirement(IReadOnlyList<Permission> permissions) : IAuthorizationRequirement
{
    public IReadOnlyList<Permission> Permissions { get; } = permissions;
}

internal sealed class PermissionAuthorizationHandler : AuthorizationHandler<PermissionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        if (context.User.IsSuperAdmin() || requirement.Permissions.All(p => context.User.HasPermission(p)))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

public static class PermissionClaimsPrincipalExtensions
{
    /// <summary>The person acting: from the page's cookie, or the <c>sub</c> of a token issued to a person (null for a client's own token).</summary>
    public static string? GetUserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier)
        ?? (user.GetClaim(AppClaimTypes.SubjectKind) == SubjectKinds.User ? user.GetClaim(OpenIddictConstants.Claims.Subject) : null);

    public static bool IsSuperAdmin(this ClaimsPrincipal user) =>
        user.HasClaim(AppClaimTypes.SuperAdmin, "true");

    public static bool HasPermission(this ClaimsPrincipal user, Permission permission) =>
        user.HasClaim(AppClaimTypes.Permission, permission.Key);

    /// <summary>The check the views use to decide which buttons to show: the same rule as the policies.</summary>
    public static bool Can(this ClaimsPrincipal user, Permission permission) =>
        user.IsSuperAdmin() || Permissions.RequiredFor(permission).All(user.HasPermission);
}
