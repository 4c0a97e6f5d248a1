namespace AuthClients.Web.Features.Access;

/// <summary>The checkboxes of a Permissions tab. Keys not in the catalogue are ignored.</summary>
public sealed class PermissionsForm
{
    /// <summary>"Make this user a Super Admin" (users only; only a Super Admin may change it).</summary>
    public bool SuperAdmin { get; set; }

#pragma warning disable CA2227 // The model binder fills it from repeated form fields.
    public List<string> Permissions { get; set; } = [];
#pragma warning restore CA2227

    /// <summary>Users only: the version the editor started from.</summary>
    public string? ConcurrencyStamp { get; set; }
}
