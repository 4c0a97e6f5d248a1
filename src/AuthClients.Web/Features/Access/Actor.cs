using System.Security.Claims;
using AuthClients.Web.Authorization;

namespace AuthClients.Web.Features.Access;

/// <summary>
/// The signed-in administrator making a change, with the rights they hold on this request (the
/// claims are refreshed from the database on every request, so they are current).
/// </summary>
public sealed record Actor(string Id, bool IsSuperAdmin, IReadOnlySet<string> Permissions)
{
    public static Actor From(ClaimsPrincipal user) => new(
        user.GetUserId() ?? "",
        user.IsSuperAdmin(),
        user.FindAll(AppClaimTypes.Permission).Select(c => c.Value).ToHashSet(StringComparer.Ordinal));

    public bool Holds(string permission) => IsSuperAdmin || Permissions.Contains(permission);

    /// <summary>
    /// Whether this actor may change someone (or a group) holding these rights. A Super Admin may
    /// change anyone; anybody else only those who hold nothing they do not hold themselves, so that
    /// resetting a password, renaming or deleting can never be a way to reach rights one lacks.
    /// </summary>
    public bool Outranks(bool targetIsSuperAdmin, IEnumerable<string> targetPermissions) =>
        IsSuperAdmin || (!targetIsSuperAdmin && targetPermissions.All(Permissions.Contains));
}
