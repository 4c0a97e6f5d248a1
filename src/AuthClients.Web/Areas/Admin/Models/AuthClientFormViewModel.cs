using System.ComponentModel.DataAnnotations;
using System.Reflection;
using AuthClients.Web.Features.AuthClients;

namespace AuthClients.Web.Areas.Admin.Models;

/// <summary>The create/edit page: the form plus what differs between the two.</summary>
public sealed record AuthClientFormViewModel(string? Id, AuthClientForm Form)
{
    public bool IsEdit => Id is not null;

    public string Title => IsEdit ? "Edit Auth Client" : "Create Auth-Client";

    /// <summary>The Credentials section of a confidential client's edit page; null on create and for a public client.</summary>
    public CredentialsViewModel? Credentials { get; init; }

    public static AuthClientFormViewModel ForCreate(AuthClientForm form) => new(null, form);

    public static AuthClientFormViewModel ForEdit(string id, AuthClientForm form) => new(id, form);

    public IReadOnlyList<ScopeChoice> ScopeChoices =>
    [
        new(Connect.OAuthScopes.AuthClientsRead, nameof(AuthClientForm.ScopeAuthClientsRead), Label(nameof(AuthClientForm.ScopeAuthClientsRead)), Form.ScopeAuthClientsRead),
        new(Connect.OAuthScopes.AuthClientsWrite, nameof(AuthClientForm.ScopeAuthClientsWrite), Label(nameof(AuthClientForm.ScopeAuthClientsWrite)), Form.ScopeAuthClientsWrite),
    ];

    private static string Label(string property) =>
        typeof(AuthClientForm).GetProperty(property)!.GetCustomAttribute<DisplayAttribute>()!.Name!;

    /// <summary>One API scope's checkbox: the form field it posts, its label, whether it is on.</summary>
    public sealed record ScopeChoice(string Scope, string Field, string Label, bool Checked);
}
