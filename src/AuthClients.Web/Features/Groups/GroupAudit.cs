namespace AuthClients.Web.Features.Groups;

/// <summary>The audit actions of the Groups pages.</summary>
public static class GroupAudit
{
    public const string TargetType = "group";
    public const string Created = "group.created";
    public const string Updated = "group.updated";
    public const string Deleted = "group.deleted";
    public const string MemberAdded = "group.member-added";
    public const string MemberRemoved = "group.member-removed";
    public const string PermissionsChanged = "group.permissions-changed";
}
