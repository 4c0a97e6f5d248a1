using AuthClients.Web.Features.Lists;

namespace AuthClients.Web.Features.Groups;

/// <summary>The Groups list's columns, as its URLs name them (<c>sort=members</c>).</summary>
public static class GroupSort
{
    public const string Name = "name";
    public const string Description = "description";
    public const string Members = "members";

    /// <summary>By name unless the user picked another column; every column starts ascending.</summary>
    public static readonly ListColumns Columns = new(Name, [Name, Description, Members]);
}

/// <param name="CanManage">Whether the viewer may change this group at all (it grants nothing they lack).</param>
/// <param name="IsMember">Whether the viewer belongs to it (changing it would change their own rights).</param>
public sealed record GroupListItem(string Id, string Name, string? Description, int MemberCount, bool CanManage, bool IsMember);

/// <summary>Who a group page is about, for its title and tabs.</summary>
public sealed record GroupHeader(string Id, string Name, bool IsMember, bool CanManage);

/// <summary>A group's Information tab.</summary>
public sealed record GroupDetails(GroupHeader Group, GroupForm Form);
