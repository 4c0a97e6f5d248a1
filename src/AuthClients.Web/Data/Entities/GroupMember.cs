namespace AuthClients.Web.Data.Entities;

public sealed class GroupMember
{
    public string GroupId { get; set; } = "";

    public string UserId { get; set; } = "";
}
