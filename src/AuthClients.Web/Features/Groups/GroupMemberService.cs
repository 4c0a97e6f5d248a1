using System.Linq.Expressions;
using AuthClients.Web.Authorization;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Audit;
using AuthClients.Web.Features.Lists;
using AuthClients.Web.Features.Users;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Web.Features.Groups;

public sealed record GroupMemberItem(string UserId, string Name, string Email, bool IsActive, bool IsSelf);

/// <summary>
/// A group's Members tab: one page of members, and the users matching the "add" search. Without
/// View Users the viewer sees neither (<see cref="CanSeeUsers"/>), only how many members there are.
/// </summary>
public sealed record GroupMembers(
    GroupHeader Group,
    ListPage<GroupMemberItem> Members,
    string? Find,
    IReadOnlyList<GroupMemberItem> Candidates,
    bool CanSeeUsers = true)
{
    public const string NeedsViewUsersMessage =
        "Members are listed, found and added only for someone who may view users: ask an administrator for the View Users permission.";
}

/// <summary>
/// Adding users to a group and removing them. Membership changes a user's rights, so nobody but a
/// Super Admin changes their own membership, and only groups granting nothing beyond the actor's
/// own rights can be changed. Members are users: listing, finding, adding or removing them needs
/// View Users as well as Edit Groups, or the tab would list every user's name and email.
/// </summary>
public sealed class GroupMemberService(AppDbContext db, GroupService groups, ChangeGuard guard, AuditService audit)
{
    public const int PageSize = 25;
    public const int MaxCandidates = 10;
    public const string UserMissingMessage = "This user no longer exists.";

    public async Task<Found<GroupMembers>> ListAsync(string groupId, int page, string? find, Actor actor, CancellationToken cancellationToken = default)
    {
        var (header, allowed) = await groups.FindAsync(groupId, actor, cancellationToken);
        if (header is null || !allowed)
        {
            return new Found<GroupMembers>(header is null ? null : new GroupMembers(header, NoMembers(0), null, []), false);
        }

        var members = db.Users.AsNoTracking().Where(u => db.GroupMembers.Any(m => m.GroupId == groupId && m.UserId == u.Id));
        if (!CanSeeUsers(actor))
        {
            return new Found<GroupMembers>(new GroupMembers(header, NoMembers(await members.CountAsync(cancellationToken)), null, [], CanSeeUsers: false), true);
        }

        var items = await members.ToPageAsync(page, PageSize, Sorted, Item(actor), cancellationToken);

        var term = SearchTerm.From(find);
        IReadOnlyList<GroupMemberItem> candidates = [];
        if (term is not null)
        {
            var outside = db.Users.AsNoTracking().Where(u => !db.GroupMembers.Any(m => m.GroupId == groupId && m.UserId == u.Id));
            candidates = await Sorted(outside.Matching(term)).Select(Item(actor)).Take(MaxCandidates).ToListAsync(cancellationToken);
        }

        return new Found<GroupMembers>(new GroupMembers(header, items, term, candidates), true);
    }

    public Task<(ChangeResult Result, string? Name)> AddAsync(string groupId, string userId, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(groupId, userId, actor, add: true, cancellationToken);

    public Task<(ChangeResult Result, string? Name)> RemoveAsync(string groupId, string userId, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(groupId, userId, actor, add: false, cancellationToken);

    private async Task<(ChangeResult Result, string? Name)> ChangeAsync(string groupId, string userId, Actor actor, bool add, CancellationToken cancellationToken)
    {
        var (group, stop) = await groups.LoadForChangeAsync(groupId, actor, "change the members of a group that grants rights they do not hold", cancellationToken);
        if (group is null)
        {
            return (stop!, null);
        }

        if (!CanSeeUsers(actor))
        {
            // The answer would name the user, or say that no such user exists.
            return (guard.Refuse(actor, "change the members of a group without the View Users permission", GroupAudit.TargetType, groupId), null);
        }

        if (userId == actor.Id && !actor.IsSuperAdmin)
        {
            return (guard.Refuse(actor, add ? "add themselves to a group" : "remove themselves from a group", GroupAudit.TargetType, groupId), null);
        }

        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => new { u.FirstName, u.LastName, u.Email }).SingleOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return (ChangeResult.Invalid("", UserMissingMessage), null);
        }

        var name = $"{user.FirstName} {user.LastName}".Trim();
        var membership = await db.GroupMembers.SingleOrDefaultAsync(m => m.GroupId == groupId && m.UserId == userId, cancellationToken);
        if ((membership is not null) == add)
        {
            return (ChangeResult.Saved(groupId), name);
        }

        if (add)
        {
            db.GroupMembers.Add(new GroupMember { GroupId = groupId, UserId = userId });
        }
        else
        {
            db.GroupMembers.Remove(membership!);
        }

        audit.Record(add ? GroupAudit.MemberAdded : GroupAudit.MemberRemoved, GroupAudit.TargetType, groupId, new Dictionary<string, FieldChange>
        {
            ["member"] = add ? new(null, user.Email) : new(user.Email, null),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same change made at the same moment by someone else: the outcome is what was asked.
            db.ChangeTracker.Clear();
        }

        return (ChangeResult.Saved(groupId), name);
    }

    private static bool CanSeeUsers(Actor actor) => actor.Holds(Permissions.Users.ViewKey);

    /// <summary>How many members there are, without naming them.</summary>
    private static ListPage<GroupMemberItem> NoMembers(int total) => new([], total, 1, PageSize);

    private static IQueryable<AppUser> Sorted(IQueryable<AppUser> users) =>
        users.OrderBy(u => u.FirstName).ThenBy(u => u.LastName).ThenBy(u => u.NormalizedEmail);

    private static Expression<Func<AppUser, GroupMemberItem>> Item(Actor actor) =>
        u => new GroupMemberItem(u.Id, (u.FirstName + " " + u.LastName).Trim(), u.Email ?? "", u.IsActive, u.Id == actor.Id);
}
