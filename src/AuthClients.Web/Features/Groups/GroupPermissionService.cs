using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Web.Features.Groups;

/// <param name="ReadOnlyReason">Why the viewer may look but not change anything, or null.</param>
public sealed record GroupPermissions(GroupHeader Group, IReadOnlySet<string> Granted, string? ReadOnlyReason);

/// <summary>
/// The permissions a group gives its members, under the same rules as a user's own: nobody grants
/// what they do not hold (unless Super Admin), and nobody but a Super Admin changes the rights of a
/// group they belong to, since that would change their own.
/// </summary>
public sealed class GroupPermissionService(AppDbContext db, GroupService groups, ChangeGuard guard, AuditService audit)
{
    public const string ConflictMessage = "Someone else changed this group's permissions at the same moment. Reload to see their changes, then try again.";
    public const string OwnGroupMessage = "You belong to this group, so its permissions are also yours: you cannot change them. Ask another administrator.";

    public async Task<Found<GroupPermissions>> GetAsync(string id, Actor actor, CancellationToken cancellationToken = default)
    {
        var found = await groups.FindAsync(id, actor, cancellationToken);
        if (found.Value is not { } header)
        {
            return new Found<GroupPermissions>(null, false);
        }

        var granted = await db.GroupPermissions.AsNoTracking().Where(p => p.GroupId == id).Select(p => p.Permission).ToListAsync(cancellationToken);
        var readOnly = header.IsMember && !actor.IsSuperAdmin ? OwnGroupMessage : null;
        return new Found<GroupPermissions>(new GroupPermissions(header, granted.ToHashSet(StringComparer.Ordinal), readOnly), found.Allowed);
    }

    public async Task<ChangeResult> SaveAsync(string id, PermissionsForm form, Actor actor, CancellationToken cancellationToken = default)
    {
        var (group, stop) = await groups.LoadForChangeAsync(id, actor, "change the permissions of a group that grants rights they do not hold", cancellationToken);
        if (group is null)
        {
            return stop!;
        }

        if (!actor.IsSuperAdmin && await db.GroupMembers.AnyAsync(m => m.GroupId == id && m.UserId == actor.Id, cancellationToken))
        {
            return guard.Refuse(actor, "change the permissions of a group they belong to", GroupAudit.TargetType, id);
        }

        var plan = PermissionRules.Plan(actor, group.Permissions.Select(p => p.Permission), form.Permissions);
        if (guard.Stops(plan, actor, GroupAudit.TargetType, id) is { } stopped)
        {
            return stopped;
        }

        if (!plan.Changes)
        {
            return ChangeResult.Saved(id);
        }

        audit.Record(GroupAudit.PermissionsChanged, GroupAudit.TargetType, id, new Dictionary<string, FieldChange>
        {
            ["permissions"] = new(
                group.Permissions.Select(p => p.Permission).Order(StringComparer.Ordinal).ToList(),
                plan.After.Order(StringComparer.Ordinal).ToList()),
        });
        group.Permissions.RemoveAll(p => plan.Removed.Contains(p.Permission));
        group.Permissions.AddRange(plan.Added.Select(k => new GroupPermission { GroupId = id, Permission = k }));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another administrator changed the same permissions at the same moment, or deleted the group.
            db.ChangeTracker.Clear();
            return await db.Groups.AnyAsync(g => g.Id == id, CancellationToken.None) ? ChangeResult.Conflict : ChangeResult.NotFound;
        }

        return ChangeResult.Saved(id);
    }
}
