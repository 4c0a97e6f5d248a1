namespace AuthClients.Web.Data.Entities;

/// <summary>A permission key from the catalogue, granted to every member of a group.</summary>
public sealed class GroupPermission
{
    public string GroupId { get; set; } = "";

    public string Permission { get; set; } = "";
}
