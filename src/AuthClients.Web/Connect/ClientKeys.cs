using Microsoft.EntityFrameworkCore;

namespace AuthClients.Web.Connect;

/// <summary>
/// The client a token or authorization row belongs to, read from the row's foreign key
/// (<c>ApplicationId</c>, a shadow property of OpenIddict's entities) instead of from the client's
/// own row, which OpenIddict's stores load for it (<see cref="AuthClientTokenStore"/>,
/// <see cref="AuthClientAuthorizationStore"/>).
/// </summary>
internal static class ClientKeys
{
    /// <summary>The foreign key OpenIddict's model gives tokens and authorizations.</summary>
    public const string Property = "ApplicationId";

    /// <returns>The key of a tracked row; null for a row the context does not track (OpenIddict's stores answer null then too).</returns>
    public static string? Of(DbContext db, object row) =>
        db.Entry(row) is { State: not EntityState.Detached } entry ? (string?)entry.Property(Property).CurrentValue : null;
}
