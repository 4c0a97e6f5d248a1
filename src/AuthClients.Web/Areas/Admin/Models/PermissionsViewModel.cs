using AuthClients.Web.Authorization;
using AuthClients.Web.Features.Access;

namespace AuthClients.Web.Areas.Admin.Models;

/// <summary>
/// The Permissions tab of a user or a group: the catalogue by category with a checkbox each.
/// Checkboxes the viewer may not change (permissions they do not hold, or everything when the
/// tab is read-only) are disabled; the server keeps their value whatever is posted.
/// </summary>
public sealed record PermissionsViewModel(
    string FormAction,
    IReadOnlySet<string> Checked,
    Actor Viewer,
    string? ReadOnlyReason)
{
    /// <summary>Users only: the "Make this user a Super Admin" checkbox is shown.</summary>
    public bool ShowSuperAdmin { get; init; }

    public bool SuperAdmin { get; init; }

    public string? ConcurrencyStamp { get; init; }

    /// <summary>For a viewer who may not view groups: which group it is stays unsaid.</summary>
    public const string GivenByAGroupMessage = "Also given by a group (seeing which needs the View Groups permission).";

    /// <summary>Users only: what they also get through their groups (read-only), with the groups' names.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ThroughGroups { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public bool ReadOnly => ReadOnlyReason is not null;

    public bool CanChangeSuperAdmin => !ReadOnly && Viewer.IsSuperAdmin;

    public bool CanChange(Permission permission) => !ReadOnly && Viewer.Holds(permission.Key);

    public bool IsChecked(Permission permission) => Checked.Contains(permission.Key);

    public static IEnumerable<IGrouping<string, Permission>> Categories => Permissions.All.GroupBy(p => p.Category);

    /// <summary>After a refused save: what was posted for the boxes the viewer may change, the stored value for the others.</summary>
    public PermissionsViewModel WithPosted(PermissionsForm form) => this with
    {
        Checked = Permissions.All
            .Where(p => CanChange(p) ? form.Permissions.Contains(p.Key) : Checked.Contains(p.Key))
            .Select(p => p.Key)
            .ToHashSet(StringComparer.Ordinal),
        SuperAdmin = CanChangeSuperAdmin ? form.SuperAdmin : SuperAdmin,

        // Kept as posted: after a conflict, saving again must still be refused until the page is reloaded.
        ConcurrencyStamp = form.ConcurrencyStamp ?? ConcurrencyStamp,
    };
}
