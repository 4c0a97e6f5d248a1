using AuthClients.Web.Authorization;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Web.Features.Users;

/// <summary>
/// What a user's Permissions tab shows.
/// </summary>
/// <param name="ThroughGroups">Each permission the user gets through a group, with the names of those groups (none for a viewer without View Groups).</param>
/// <param name="ReadOnlyReason">Why the viewer may look but not change anything, or null.</param>
public sealed record UserPermissions(
    UserHeader User,
    IReadOnlySet<string> Own,
    IReadOnlyDictionary<string, IReadOnlyList<string>> ThroughGroups,
    string? ConcurrencyStamp,
    string? ReadOnlyReason);

/// <summary>
/// A user's own permissions and the Super Admin flag. Nobody changes their own (unless Super
/// Admin), nobody grants what they do not hold (unless Super Admin), only a Super Admin grants or
/// revokes Super Admin, and the last active Super Admin keeps it. Effective rights (own plus
/// groups') are read from the database on every request, so a change applies on the next one.
/// </summary>
public sealed class UserPermissionService(
    AppDbContext db,
    UserManager<AppUser> users,
    UserWriter writer,
    ChangeGuard guard)
{
    public const string OwnPermissionsMessage = "You cannot change your own permissions. Ask another administrator.";

    public async Task<Found<UserPermissions>> GetAsync(string id, Actor actor, CancellationToken cancellationToken = default)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null)
        {
            return new Found<UserPermissions>(null, false);
        }

        if (!await guard.MayChangeUserAsync(user.Id, actor, cancellationToken))
        {
            return new Found<UserPermissions>(await ReadAsync(user, actor, null, cancellationToken), false);
        }

        var readOnly = user.Id == actor.Id && !actor.IsSuperAdmin ? OwnPermissionsMessage : null;
        return new Found<UserPermissions>(await ReadAsync(user, actor, readOnly, cancellationToken), true);
    }

    public async Task<ChangeResult> SaveAsync(string id, PermissionsForm form, Actor actor, CancellationToken cancellationToken = default)
    {
        // Oneself is always within one's own rights, so the guard lets this through to its own refusal.
        var (user, stop) = await writer.LoadForChangeAsync(id, actor, "change the permissions of a user who holds rights they do not hold", cancellationToken);
        if (user is null)
        {
            return stop!;
        }

        if (user.Id == actor.Id && !actor.IsSuperAdmin)
        {
            return guard.Refuse(actor, "change their own permissions", UserAudit.TargetType, id);
        }

        if (form.SuperAdmin != user.IsSuperAdmin && !actor.IsSuperAdmin)
        {
            return guard.Refuse(actor, "grant Super Admin without being one", UserAudit.TargetType, id);
        }

        if (form.ConcurrencyStamp != user.ConcurrencyStamp)
        {
            return ChangeResult.Conflict;
        }

        var own = await db.UserPermissions.Where(p => p.UserId == id).ToListAsync(cancellationToken);
        var plan = PermissionRules.Plan(actor, own.Select(p => p.Permission), form.Permissions);
        if (guard.Stops(plan, actor, UserAudit.TargetType, id) is { } stopped)
        {
            return stopped;
        }

        if (!plan.Changes && form.SuperAdmin == user.IsSuperAdmin)
        {
            return ChangeResult.Saved(id);
        }

        var changes = new Dictionary<string, FieldChange>();
        if (plan.Changes)
        {
            changes["permissions"] = new(own.Select(p => p.Permission).Order(StringComparer.Ordinal).ToList(), plan.After.Order(StringComparer.Ordinal).ToList());
            db.UserPermissions.RemoveRange(own.Where(p => plan.Removed.Contains(p.Permission)));
            db.UserPermissions.AddRange(plan.Added.Select(k => new UserPermission { UserId = id, Permission = k }));
        }

        var demotes = user is { IsSuperAdmin: true, IsActive: true } && !form.SuperAdmin;
        if (form.SuperAdmin != user.IsSuperAdmin)
        {
            changes["super_admin"] = new(user.IsSuperAdmin, form.SuperAdmin);
            user.IsSuperAdmin = form.SuperAdmin;
        }

        // Saved through the user manager, so the concurrency stamp guards the permissions too.
        return await writer.SaveAsync(user, UserAudit.PermissionsChanged, changes, demotes, nameof(PermissionsForm.SuperAdmin), cancellationToken);
    }

    private async Task<UserPermissions> ReadAsync(AppUser user, Actor actor, string? readOnlyReason, CancellationToken cancellationToken)
    {
        var own = await db.UserPermissions.AsNoTracking().Where(p => p.UserId == user.Id).Select(p => p.Permission).ToListAsync(cancellationToken);
        var throughGroups = await (
                from m in db.GroupMembers
                join g in db.Groups on m.GroupId equals g.Id
                join p in db.GroupPermissions on g.Id equals p.GroupId
                where m.UserId == user.Id
                select new { p.Permission, g.Name })
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        // Which groups, only to someone who may view groups; anyone else learns that one does.
        var showNames = actor.Holds(Permissions.Groups.ViewKey);
        var inherited = throughGroups
            .Where(r => Permissions.IsKnown(r.Permission))
            .GroupBy(r => r.Permission, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => (IReadOnlyList<string>)(showNames ? g.Select(r => r.Name).Order(StringComparer.OrdinalIgnoreCase).ToList() : []),
                StringComparer.Ordinal);
        return new UserPermissions(
            UserHeader.Of(user, actor),
            own.ToHashSet(StringComparer.Ordinal),
            inherited,
            user.ConcurrencyStamp,
            readOnlyReason);
    }
}
