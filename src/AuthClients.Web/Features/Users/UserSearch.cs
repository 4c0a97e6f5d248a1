using AuthClients.Web.Data.Entities;

namespace AuthClients.Web.Features.Users;

/// <summary>How a search term finds users: on the Users list and in a group's "add member" search alike.</summary>
public static class UserSearch
{
    /// <summary>Matches first name, last name, "first last" and email, ignoring case on every database; null matches everyone.</summary>
    public static IQueryable<AppUser> Matching(this IQueryable<AppUser> users, string? term)
    {
        if (term is null)
        {
            return users;
        }

        // SQLite's UPPER() changes ASCII letters only, so there the name as typed is compared too:
        // "é" then finds "é", if not "É".
        var upper = term.ToUpperInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // ToUpper() here is translated to SQL UPPER(), not run in .NET.
        return users.Where(u =>
            (u.FirstName + " " + u.LastName).ToUpper().Contains(upper) ||
            (u.FirstName + " " + u.LastName).Contains(term) ||
            (u.NormalizedEmail != null && u.NormalizedEmail.Contains(upper)));
#pragma warning restore CA1304, CA1311, CA1862
    }
}
