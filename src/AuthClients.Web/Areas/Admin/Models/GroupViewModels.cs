using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Groups;

namespace AuthClients.Web.Areas.Admin.Models;

/// <summary>The create/edit page of a group.</summary>
public sealed record GroupFormViewModel(GroupHeader? Group, GroupForm Form)
{
    public bool IsEdit => Group is not null;

    public string Title => IsEdit ? "Edit Group" : "Create Group";
}

/// <summary>The tabs above every page about one group.</summary>
public sealed record GroupTabsViewModel(GroupHeader Group, string Active)
{
    public const string Information = "information";
    public const string Members = "members";
    public const string Permissions = "permissions";
}

/// <summary>The Permissions tab of a group.</summary>
public sealed record GroupPermissionsViewModel(GroupHeader Group, PermissionsViewModel Permissions)
{
    public GroupPermissionsViewModel WithPosted(PermissionsForm form) => this with { Permissions = Permissions.WithPosted(form) };
}
