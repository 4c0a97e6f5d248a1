using AuthClients.Web.Authorization;
using AuthClients.Web.Data.Entities;

namespace AuthClients.Web.Features.Access;

/// <summary>
/// Whether an administrator may change a user or a group at all, and the log entry when a request
/// tries anyway. One rule for both (<see cref="Actor.Outranks"/>): a Super Admin may change anything,
/// anybody else only what holds or grants no right they lack, so that editing, deleting or changing
/// members can never be a way to reach rights one lacks.
/// </summary>
public sealed partial class ChangeGuard(UserAccessService access, ILogger<ChangeGuard> logger)
{
    /// <summary>Whether <paramref name="actor"/> may change this user, judged by the user's effective rights (their own plus their groups').</summary>
    public async Task<bool> MayChangeUserAsync(string userId, Actor actor, CancellationToken cancellationToken)
    {
        if (actor.IsSuperAdmin)
        {
            return true;
        }

        var rights = await access.GetAsync(userId, cancellationToken);
        return rights is not null && actor.Outranks(rights.IsSuperAdmin, rights.Permissions);
    }

    /// <summary>
    /// Which of these users (list rows: id and Super Admin flag) <paramref name="actor"/> may change,
    /// by the same rule as <see cref="MayChangeUserAsync"/>, with one query for all of them.
    /// </summary>
    public async Task<IReadOnlySet<string>> ChangeableUsersAsync(IReadOnlyCollection<(string Id, bool IsSuperAdmin)> users, Actor actor, CancellationToken cancellationToken)
    {
        if (actor.IsSuperAdmin)
        {
            return users.Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        }

        var rights = await access.PermissionsOfAsync(users.Select(u => u.Id).ToList(), cancellationToken);
        return users.Where(u => actor.Outranks(u.IsSuperAdmin, rights[u.Id])).Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Whether <paramref name="actor"/> may change a group that grants these permissions to its members.</summary>
    public static bool MayChangeGroup(Actor actor, IEnumerable<string> grantedPermissions) =>
        actor.Outranks(targetIsSuperAdmin: false, grantedPermissions);

    /// <inheritdoc cref="MayChangeGroup(Actor, IEnumerable{string})"/>
    /// <param name="group">The group, read with its permissions.</param>
    public static bool MayChangeGroup(Actor actor, Group group) =>
        MayChangeGroup(actor, group.Permissions.Select(p => p.Permission));

    /// <summary>
    /// Refuses a request the pages never offer (an escalation attempt, a crafted form): the person
    /// sees a 403 page, the log says who tried what on which target.
    /// </summary>
    public ChangeResult Refuse(Actor actor, string attempt, string targetType, string targetId)
    {
        LogRefused(logger, actor.Id, attempt, targetType, targetId);
        return ChangeResult.Forbidden;
    }

    /// <summary>
    /// Where saving permission checkboxes stops, for a user or a group alike: a posted permission the
    /// actor does not hold is refused (logged), a rule that would change one is a message for the
    /// form. Null when the plan may be carried out.
    /// </summary>
    public ChangeResult? Stops(PermissionPlan plan, Actor actor, string targetType, string targetId) =>
        plan.Refusal is { } attempt ? Refuse(actor, attempt, targetType, targetId)
        : plan.Error is { } error ? ChangeResult.Invalid("", error)
        : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused: user {ActorId} tried to {Attempt} on {TargetType} {TargetId}.")]
    private static partial void LogRefused(ILogger logger, string actorId, string attempt, string targetType, string targetId);
}
