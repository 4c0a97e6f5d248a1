namespace AuthClients.Web.Data.Entities;

/// <summary>
/// One row per Client ID ever handed out. The database generates <see cref="Number"/> (SQLite
/// AUTOINCREMENT, SQL Server IDENTITY, PostgreSQL identity), so concurrent creations get distinct
/// numbers without a read-then-write in C#, and a deleted client's number is never given again.
/// </summary>
public sealed class ClientNumber
{
    public long Number { get; set; }

    public DateTime AllocatedAt { get; set; }
}

/// <summary>
/// How many clients there are: one row, kept by database triggers on <c>OpenIddictApplications</c>
/// (see the <c>AuthClientTotal</c> migration of each provider), so the list's "of 1,000,000" is
/// read, not counted. Counting a million rows took 10-20 ms on SQLite and 90-130 ms on PostgreSQL
/// (an index-only scan) on every page of the list. The triggers also see clients written by SQL,
/// OpenIddict or a restore, which an application-side counter would miss.
/// </summary>
public sealed class AuthClientTotal
{
    /// <summary>The one row's key.</summary>
    public const int RowId = 1;

    public int Id { get; set; }

    public long Count { get; set; }

    /// <summary>
    /// Goes up whenever a client is added, deleted or renamed (the same triggers, and one on the
    /// name): the only changes that move a client in the list's name and number orders. A page
    /// typed by its number starts from positions remembered for one value of it
    /// (<c>AuthClientPageAnchors</c>), so every instance sees another's change on its next page.
    /// </summary>
    public long Changes { get; set; }
}
