namespace AuthClients.Web.Data.Entities;

/// <summary>A named set of users that share permissions.</summary>
public sealed class Group
{
    public string Id { get; set; } = Guid.NewGuid().ToString();

    public string Name { get; set; } = "";

    /// <summary>Upper-cased name, so uniqueness ignores case on every database.</summary>
    public string NormalizedName { get; set; } = "";

    public string? Description { get; set; }

    /// <summary>Changes on every save of the name or description, so that two editors cannot overwrite each other unseen.</summary>
    public string ConcurrencyStamp { get; set; } = Guid.NewGuid().ToString();

    public List<GroupMember> Members { get; } = [];

    public List<GroupPermission> Permissions { get; } = [];
}
