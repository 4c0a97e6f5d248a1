using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Lists;

namespace AuthClients.Web.Features.Users;

/// <summary>The Users list's columns, as its URLs name them (<c>sort=email</c>).</summary>
public static class UserSort
{
    public const string Name = "name";
    public const string Email = "email";
    public const string Status = "status";
    public const string Created = "created";

    /// <summary>By name unless the user picked another column; ascending, except Created: newest first.</summary>
    public static readonly ListColumns Columns = new(Name, [Name, Email, Status, Created], descendingFirst: [Created]);
}

/// <param name="CanManage">Whether the viewer may change this user at all (see <see cref="Actor.Outranks"/>).</param>
public sealed record UserListItem(string Id, string Name, string Email, bool IsSuperAdmin, bool IsActive, DateTime CreatedAt, bool IsSelf, bool CanManage);
