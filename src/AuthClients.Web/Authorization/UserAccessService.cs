using System.Security.Claims;
using AuthClients.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Web.Authorization;

/// <summary>What a user may do right now, read fresh from the database.</summary>
public sealed record UserAccess(bool IsActive, bool IsSuperAdmin, IReadOnlySet<string> Permissions)
{
    /// <summary>Identity's security stamp: it changes on sign-out and password changes, ending older sessions.</summary>
    public string? SecurityStamp { get; init; }

    public string UserId { get; init; } = "";

    public string? UserName { get; init; }

    /// <summary>The claims the permission policies read: one per permission, and the Super Admin flag.</summary>
    public void AddClaimsTo(ClaimsIdentity identity)
    {
        // A token names the user in "sub"; the cookie has these two already. User.GetUserId() and the audit read them.
        if (!identity.HasClaim(c => c.Type == ClaimTypes.NameIdentifier))
        {
            identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, UserId));
            identity.AddClaim(new Claim(ClaimTypes.Name, UserName ?? UserId));
        }

        identity.AddClaims(Permissions.Select(p => new Claim(AppClaimTypes.Permission, p)));
        if (IsSuperAdmin)
        {
            identity.AddClaim(new Claim(AppClaimTypes.SuperAdmin, "true"));
        }
    }
}

/// <summary>
/// Computes effective permissions: the user's own plus those of every group they belong to.
/// Read on every request so that a change applies on the next request without signing in again.
/// </summary>
public sealed class UserAccessService(AppDbContext db)
{
    /// <returns>null when the user no longer exists.</returns>
    public async Task<UserAccess?> GetAsync(string userId, CancellationToken cancellationToken = default)
    {
        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new { u.IsActive, u.IsSuperAdmin, u.SecurityStamp, u.UserName })
            .SingleOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return null;
        }

        var direct = db.UserPermissions.Where(p => p.UserId == userId).Select(p => p.Permission);
        var throughGroups = db.GroupPermissions
            .Where(p => db.GroupMembers.Any(m => m.GroupId == p.GroupId && m.UserId == userId))
            .Select(p => p.Permission);
        var keys = await direct.Union(throughGroups).ToListAsync(cancellationToken);

        return new UserAccess(user.IsActive, user.IsSuperAdmin, keys.ToHashSet(StringComparer.Ordinal))
        {
            SecurityStamp = user.SecurityStamp,
            UserId = userId,
            UserName = user.UserName,
        };
    }
}
