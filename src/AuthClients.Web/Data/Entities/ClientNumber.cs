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
