using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;

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
    public static string? GetUserId(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);

    public static bool IsSuperAdmin(this ClaimsPrincipal user) =>
        user.HasClaim(AppClaimTypes.SuperAdmin, "true");

    public static bool HasPermission(this ClaimsPrincipal user, Permission permission) =>
        user.HasClaim(AppClaimTypes.Permission, permission.Key);

    /// <summary>The check the views use to decide which buttons to show: the same rule as the policies.</summary>
    public static bool Can(this ClaimsPrincipal user, Permission permission) =>
        user.IsSuperAdmin() || Permissions.RequiredFor(permission).All(user.HasPermission);
}
