using Microsoft.AspNetCore.Identity;

namespace AuthClients.Web.Data.Entities;

/// <summary>A person who signs in to the admin application.</summary>
public sealed class AppUser : IdentityUser
{
    public string FirstName { get; set; } = "";

    public string LastName { get; set; } = "";

    /// <summary>"Make this user a Super Admin": passes every permission check.</summary>
    public bool IsSuperAdmin { get; set; }

    /// <summary>Inactive users cannot sign in, and their sessions end on their next request.</summary>
    public bool IsActive { get; set; } = true;

    public DateTime CreatedAt { get; set; }

    /// <summary>
    /// The time step (RFC 6238: Unix seconds / 30) of the last one-time code accepted from this
    /// user's authenticator app; a code for this step or an earlier one is refused, so a code works
    /// once. Null until a code is accepted, and again whenever the key changes.
    /// </summary>
    public long? LastAuthenticatorTimeStep { get; set; }

    public string FullName => $"{FirstName} {LastName}".Trim();
}
