using AuthClients.Web.Features.AuthClients;

namespace AuthClients.Web.Areas.Admin.Models;

/// <summary>The create/edit page: the form plus what differs between the two.</summary>
public sealed record AuthClientFormViewModel(string? Id, AuthClientForm Form)
{
    public bool IsEdit => Id is not null;

    public string Title => IsEdit ? "Edit Auth Client" : "Create Auth-Client";

    public static AuthClientFormViewModel ForCreate(AuthClientForm form) => new(null, form);

    public static AuthClientFormViewModel ForEdit(string id, AuthClientForm form) => new(id, form);
}
