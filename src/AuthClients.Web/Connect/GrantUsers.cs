using AuthClients.Web.Data.Entities;

namespace AuthClients.Web.Connect;

/// <summary>
/// What a code exchange or refresh needs of its user (whether they may still sign in, and what their
/// tokens say), read by <see cref="AuthClientTokenStore"/> in the same statement as the token's row,
/// so that a grant makes one round trip fewer to the database (on PostgreSQL each costs the app more
/// CPU than the statement costs the server: docs/performance.md, eleventh look).
/// <see cref="InlineTokenHandler"/> takes the user from here, and reads it itself when it is not here
/// (the token came from OpenIddict's own cache, or the baseline's store). One per request.
/// </summary>
public sealed class GrantUsers
{
    private readonly Dictionary<string, GrantUser?> _bySubject = new(StringComparer.Ordinal);

    /// <summary><paramref name="user"/> is null when no user has the token's subject (deleted since, or a client's token).</summary>
    public void Remember(string subject, GrantUser? user) => _bySubject[subject] = user;

    public bool TryFind(string subject, out AppUser? user)
    {
        var found = _bySubject.TryGetValue(subject, out var read);
        user = read?.ToUser();
        return found;
    }
}

/// <summary>The columns of a user that a grant reads.</summary>
public sealed record GrantUser(string Id, string? Email, string FirstName, string LastName, string? UserName, bool IsActive)
{
    public AppUser ToUser() => new() { Id = Id, Email = Email, FirstName = FirstName, LastName = LastName, UserName = UserName, IsActive = IsActive };
}
