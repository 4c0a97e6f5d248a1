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

    /// <summary>An authenticator app or at least one passkey.</summary>
    public bool HasSecondFactor { get; init; }

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
            .Select(u => new
            {
                u.IsActive,
                u.IsSuperAdmin,
                u.SecurityStamp,
                u.UserName,
                HasSecondFactor = u.TwoFactorEnabled || db.UserPasskeys.Any(p => p.UserId == u.Id),
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return null;
        }

        var keys = await PermissionsOfAsync([userId], cancellationToken);
        return new UserAccess(user.IsActive, user.IsSuperAdmin, keys[userId].ToHashSet(StringComparer.Ordinal))
        {
            SecurityStamp = user.SecurityStamp,
            UserId = userId,
            UserName = user.UserName,
            HasSecondFactor = user.HasSecondFactor,
        };
    }

    /// <summary>The effective permissions (own plus groups') of each of these users, in one query.</summary>
    public async Task<ILookup<string, string>> PermissionsOfAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken = default)
    {
        var direct = db.UserPermissions.Where(p => userIds.Contains(p.UserId)).Select(p => new { p.UserId, p.Permission });
        var throughGroups =
            from m in db.GroupMembers
            join p in db.GroupPermissions on m.GroupId equals p.GroupId
            where userIds.Contains(m.UserId)
            select new { m.UserId, p.Permission };
        var pairs = await direct.Union(throughGroups).ToListAsync(cancellationToken);
        return pairs.ToLookup(p => p.UserId, p => p.Permission, StringComparer.Ordinal);
    }
}
