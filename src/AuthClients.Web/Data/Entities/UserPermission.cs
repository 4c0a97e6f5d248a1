namespace AuthClients.Web.Data.Entities;

/// <summary>A permission key from the catalogue, granted to one user directly.</summary>
public sealed class UserPermission
{
    public string UserId { get; set; } = "";

    public string Permission { get; set; } = "";
}
