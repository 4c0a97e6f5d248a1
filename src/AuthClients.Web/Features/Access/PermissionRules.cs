using AuthClients.Web.Authorization;

namespace AuthClients.Web.Features.Access;

/// <summary>
/// What saving the permission checkboxes of a user or a group would do: the new set, and either
/// a message for the form or a refusal (a request the page cannot produce, which the caller logs).
/// </summary>
public sealed record PermissionPlan(IReadOnlySet<string> After, IReadOnlyList<string> Added, IReadOnlyList<string> Removed)
{
    public string? Error { get; init; }

    public string? Refusal { get; init; }

    public bool Changes => Added.Count > 0 || Removed.Count > 0;
}

/// <summary>
/// How the permissions of one category depend on each other. The server applies these rules to
/// every save; the Permissions tab renders <see cref="Implied"/> on each checkbox for site.js. Choosing Create also chooses Edit; choosing
/// Create, Edit or Delete also chooses View; removing a permission removes those that need it, so
/// removing View removes the others.
/// </summary>
public static class PermissionRules
{
    public const string ViewAction = "view";
    public const string CreateAction = "create";
    public const string EditAction = "edit";
    public const string DeleteAction = "delete";

    private static readonly Dictionary<string, string[]> ActionImplies = new(StringComparer.Ordinal)
    {
        [CreateAction] = [EditAction, ViewAction],
        [EditAction] = [ViewAction],
        [DeleteAction] = [ViewAction],
    };

    /// <summary>The action part of a key: <c>create</c> for <c>create-users</c>.</summary>
    private static string ActionOf(Permission permission) =>
        permission.Key[..Math.Max(0, permission.Key.IndexOf('-', StringComparison.Ordinal))];

    public static string NameOf(string key) => Permissions.All.FirstOrDefault(p => p.Key == key)?.Name ?? key;

    /// <summary>The keys that choosing <paramref name="key"/> chooses too (for create-users: edit-users and view-users).</summary>
    public static IReadOnlyList<string> Implied(string key)
    {
        var permission = Permissions.All.FirstOrDefault(p => p.Key == key);
        if (permission is null || !ActionImplies.TryGetValue(ActionOf(permission), out var actions))
        {
            return [];
        }

        return Permissions.All
            .Where(p => p.Category == permission.Category && actions.Contains(ActionOf(p)))
            .Select(p => p.Key)
            .ToList();
    }

    /// <summary>
    /// The set that results from posting <paramref name="posted"/> over <paramref name="before"/>:
    /// unknown keys are ignored, a removed permission takes those that imply it along, and a chosen
    /// permission brings what it implies. Comparing with <paramref name="before"/> is what tells
    /// "removed View" (the others go) from "chose Create without ticking View" (View comes).
    /// </summary>
    public static IReadOnlySet<string> Apply(IReadOnlySet<string> before, IEnumerable<string> posted)
    {
        var chosen = posted.Where(Permissions.IsKnown).ToHashSet(StringComparer.Ordinal);
        var removed = before.Where(k => !chosen.Contains(k)).ToHashSet(StringComparer.Ordinal);
        chosen.RemoveWhere(k => Implied(k).Any(removed.Contains));
        foreach (var key in chosen.ToList())
        {
            chosen.UnionWith(Implied(key));
        }

        return chosen;
    }

    /// <summary>
    /// <see cref="Apply"/>, limited to what <paramref name="actor"/> may change: someone who is not a
    /// Super Admin can grant or remove only permissions they hold themselves. Checkboxes of the
    /// others are disabled on the page, so they are not posted and keep their value here; posting
    /// one anyway is a refusal, and a rule that would change one is a message for the form.
    /// </summary>
    public static PermissionPlan Plan(Actor actor, IEnumerable<string> current, IEnumerable<string> posted)
    {
        var before = current.Where(Permissions.IsKnown).ToHashSet(StringComparer.Ordinal);
        var chosen = posted.Where(Permissions.IsKnown).ToHashSet(StringComparer.Ordinal);
        if (!actor.IsSuperAdmin)
        {
            var notHeld = chosen.Where(k => !actor.Holds(k) && !before.Contains(k)).Order(StringComparer.Ordinal).ToList();
            if (notHeld.Count > 0)
            {
                return new PermissionPlan(before, [], []) { Refusal = $"grant {string.Join(", ", notHeld)}, which they do not hold" };
            }

            chosen.UnionWith(before.Where(k => !actor.Holds(k)));
        }

        var after = Apply(before, chosen);
        var added = after.Where(k => !before.Contains(k)).Order(StringComparer.Ordinal).ToList();
        var removed = before.Where(k => !after.Contains(k)).Order(StringComparer.Ordinal).ToList();
        var beyond = added.Concat(removed).Where(k => !actor.Holds(k)).Select(NameOf).ToList();
        if (beyond.Count > 0)
        {
            return new PermissionPlan(before, [], [])
            {
                Error = $"This would also change {string.Join(", ", beyond)}, which you do not hold yourself. Only a Super Admin can change it.",
            };
        }

        return new PermissionPlan(after, added, removed);
    }
}
