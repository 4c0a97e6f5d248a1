using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Audit;
using AuthClients.Web.Features.Lists;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Web.Features.Groups;

/// <summary>
/// The Groups list, and creating, renaming and deleting groups. Someone who is not a Super Admin
/// may change only groups that grant nothing they do not hold themselves, and may not delete a
/// group they belong to (that would change their own rights).
/// </summary>
public sealed class GroupService(AppDbContext db, AuditService audit, ChangeGuard guard)
{
    public const string MissingMessage = "This group no longer exists. It may have been deleted by someone else.";
    public const string NameTakenMessage = "A group with this name already exists. Name must be unique.";
    public const string ConflictMessage = "Someone else saved this group after you opened it. Reload to see their changes, then edit again.";
    public const string DeleteOwnGroupMessage = "You cannot delete a group you belong to: it would change your own permissions.";

    public async Task<ListPage<GroupListItem>> ListAsync(ListQuery query, Actor viewer, CancellationToken cancellationToken = default)
    {
        var groups = db.Groups.AsNoTracking();
        if (query.Term is { } term)
        {
            var upper = term.ToUpperInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // ToUpper() here is translated to SQL UPPER(), not run in .NET.
            groups = groups.Where(g => g.NormalizedName.Contains(upper) || (g.Description != null && g.Description.ToUpper().Contains(upper)));
#pragma warning restore CA1304, CA1311, CA1862
        }

        var rows = await groups.ToPageAsync(
            query.Page,
            query.SafePageSize,
            g => Sorted(g, query),
            g => new
            {
                g.Id,
                g.Name,
                g.Description,
                Members = g.Members.Count,
                IsMember = g.Members.Any(m => m.UserId == viewer.Id),
                Permissions = g.Permissions.Select(p => p.Permission).ToList(),
            },
            cancellationToken);

        return rows.Select(r => new GroupListItem(r.Id, r.Name, r.Description, r.Members, ChangeGuard.MayChangeGroup(viewer, r.Permissions), r.IsMember));
    }

    public async Task<Found<GroupHeader>> FindAsync(string id, Actor actor, CancellationToken cancellationToken = default)
    {
        var header = await HeaderAsync(id, actor, cancellationToken);
        return new Found<GroupHeader>(header, header?.CanManage == true);
    }

    public async Task<Found<GroupDetails>> GetFormAsync(string id, Actor actor, CancellationToken cancellationToken = default)
    {
        var header = await HeaderAsync(id, actor, cancellationToken);
        var form = await db.Groups.AsNoTracking()
            .Where(g => g.Id == id)
            .Select(g => new GroupForm { Name = g.Name, Description = g.Description, ConcurrencyStamp = g.ConcurrencyStamp })
            .SingleOrDefaultAsync(cancellationToken);
        return header is null || form is null
            ? new Found<GroupDetails>(null, false)
            : new Found<GroupDetails>(new GroupDetails(header, form), header.CanManage);
    }

    public async Task<ChangeResult> CreateAsync(GroupForm form, CancellationToken cancellationToken = default)
    {
        var group = new Group { Name = form.Name!.Trim(), Description = Clean(form.Description) };
        group.NormalizedName = group.Name.ToUpperInvariant();
        if (await NameTakenAsync(group.NormalizedName, exceptId: null, cancellationToken))
        {
            return ChangeResult.Invalid(nameof(GroupForm.Name), NameTakenMessage);
        }

        db.Groups.Add(group);
        audit.Record(GroupAudit.Created, GroupAudit.TargetType, group.Id, new Dictionary<string, FieldChange>
        {
            ["name"] = new(null, group.Name),
            ["description"] = new(null, group.Description),
        });
        return await SaveNamedAsync(group, cancellationToken);
    }

    public async Task<ChangeResult> UpdateAsync(string id, GroupForm form, Actor actor, CancellationToken cancellationToken = default)
    {
        var (group, stop) = await LoadForChangeAsync(id, actor, "edit a group that grants rights they do not hold", cancellationToken);
        if (group is null)
        {
            return stop!;
        }

        if (form.ConcurrencyStamp != group.ConcurrencyStamp)
        {
            return ChangeResult.Conflict;
        }

        var name = form.Name!.Trim();
        var description = Clean(form.Description);
        if (await NameTakenAsync(name.ToUpperInvariant(), exceptId: id, cancellationToken))
        {
            return ChangeResult.Invalid(nameof(GroupForm.Name), NameTakenMessage);
        }

        var changes = new Dictionary<string, FieldChange>();
        if (group.Name != name)
        {
            changes["name"] = new(group.Name, name);
            group.Name = name;
            group.NormalizedName = name.ToUpperInvariant();
        }

        if (group.Description != description)
        {
            changes["description"] = new(group.Description, description);
            group.Description = description;
        }

        if (changes.Count == 0)
        {
            return ChangeResult.Saved(id);
        }

        audit.Record(GroupAudit.Updated, GroupAudit.TargetType, id, changes);
        group.ConcurrencyStamp = Guid.NewGuid().ToString();
        return await SaveNamedAsync(group, cancellationToken);
    }

    /// <summary>Deletes a group; its members lose the permissions it gave them on their next request.</summary>
    public async Task<ChangeResult> DeleteAsync(string id, Actor actor, CancellationToken cancellationToken = default)
    {
        var (group, stop) = await LoadForChangeAsync(id, actor, "delete a group that grants rights they do not hold", cancellationToken);
        if (group is null)
        {
            return stop!;
        }

        if (!actor.IsSuperAdmin && await db.GroupMembers.AnyAsync(m => m.GroupId == id && m.UserId == actor.Id, cancellationToken))
        {
            return ChangeResult.Invalid("", DeleteOwnGroupMessage);
        }

        audit.Record(GroupAudit.Deleted, GroupAudit.TargetType, id, new Dictionary<string, FieldChange>
        {
            ["name"] = new(group.Name, null),
            ["permissions"] = new(group.Permissions.Select(p => p.Permission).Order(StringComparer.Ordinal).ToList(), null),
        });
        db.Groups.Remove(group);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Deleted by someone else in the meantime.
            return ChangeResult.NotFound;
        }

        return ChangeResult.Saved(id);
    }

    /// <summary>
    /// The group read with its permissions, for a change <paramref name="actor"/> may make; otherwise
    /// no group and why the change stops: not found, or refused (and logged as an attempt to <paramref name="attempt"/>).
    /// </summary>
    internal async Task<(Group? Group, ChangeResult? Stop)> LoadForChangeAsync(string id, Actor actor, string attempt, CancellationToken cancellationToken)
    {
        var group = await db.Groups.Include(g => g.Permissions).SingleOrDefaultAsync(g => g.Id == id, cancellationToken);
        if (group is null)
        {
            return (null, ChangeResult.NotFound);
        }

        return ChangeGuard.MayChangeGroup(actor, group) ? (group, null) : (null, guard.Refuse(actor, attempt, GroupAudit.TargetType, id));
    }

    private async Task<GroupHeader?> HeaderAsync(string id, Actor actor, CancellationToken cancellationToken)
    {
        var row = await db.Groups.AsNoTracking()
            .Where(g => g.Id == id)
            .Select(g => new
            {
                g.Name,
                IsMember = g.Members.Any(m => m.UserId == actor.Id),
                Permissions = g.Permissions.Select(p => p.Permission).ToList(),
            })
            .SingleOrDefaultAsync(cancellationToken);
        return row is null ? null : new GroupHeader(id, row.Name, row.IsMember, ChangeGuard.MayChangeGroup(actor, row.Permissions));
    }

    private async Task<ChangeResult> SaveNamedAsync(Group group, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return ChangeResult.Saved(group.Id);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Saved or deleted by someone else between our read and our write.
            db.ChangeTracker.Clear();
            return await db.Groups.AnyAsync(g => g.Id == group.Id, CancellationToken.None) ? ChangeResult.Conflict : ChangeResult.NotFound;
        }
        catch (DbUpdateException)
        {
            // Another request took the name between the check and the write: the unique index refused it.
            db.ChangeTracker.Clear();
            if (await NameTakenAsync(group.NormalizedName, exceptId: group.Id, CancellationToken.None))
            {
                return ChangeResult.Invalid(nameof(GroupForm.Name), NameTakenMessage);
            }

            throw;
        }
    }

    private Task<bool> NameTakenAsync(string normalizedName, string? exceptId, CancellationToken cancellationToken) =>
        db.Groups.AnyAsync(g => g.NormalizedName == normalizedName && g.Id != exceptId, cancellationToken);

    private static string? Clean(string? description) => string.IsNullOrWhiteSpace(description) ? null : description.Trim();

    private static IQueryable<Group> Sorted(IQueryable<Group> groups, ListQuery query) =>
        query.SortKey switch
        {
            GroupSort.Description => groups.OrderBy(g => g.Description, query.SortsDescending).ThenBy(g => g.NormalizedName),
            GroupSort.Members => groups.OrderBy(g => g.Members.Count, query.SortsDescending).ThenBy(g => g.NormalizedName),
            _ => groups.OrderBy(g => g.NormalizedName, query.SortsDescending),
        };
}
