using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Web.Hosting;

/// <summary>
/// A lease on a periodic job in the <c>BackgroundLeases</c> table, so that of several instances on
/// one database only one runs the job at a time. Taking it is one conditional UPDATE (free, expired,
/// or already ours), which the database applies to the row atomically: of two instances racing,
/// the second finds the row changed and updates nothing. The row is inserted the first time; two
/// instances inserting it at once is fine, the loser's insert fails and it goes on to the UPDATE.
/// </summary>
public sealed class DatabaseLease(AppDbContext db, TimeProvider clock)
{
    /// <summary>
    /// A new holder name, one per app instance (not per process: tests run several apps in one):
    /// machine, process id and a random part, within the column's 200 characters.
    /// </summary>
    public static string NewHolder()
    {
        var holder = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
        return holder.Length <= 200 ? holder : holder[^200..];
    }

    /// <returns>Whether <paramref name="holder"/> holds the lease on <paramref name="name"/> until now + <paramref name="duration"/>.</returns>
    public async Task<bool> TryTakeAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken)
    {
        if (!await db.BackgroundLeases.AnyAsync(l => l.Name == name, cancellationToken))
        {
            await InsertAsync(name, cancellationToken);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + duration;
        var taken = await db.BackgroundLeases
            .Where(l => l.Name == name && (l.ExpiresAt < now || l.Holder == holder))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, holder).SetProperty(l => l.ExpiresAt, until), cancellationToken);
        return taken == 1;
    }

    /// <summary>Records that the job finished a run now.</summary>
    public Task MarkRunAsync(string name, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return db.BackgroundLeases.Where(l => l.Name == name).ExecuteUpdateAsync(s => s.SetProperty(l => l.LastRunAt, now), cancellationToken);
    }

    // A time long past (not DateTime.MinValue, which PostgreSQL would store as -infinity).
    private static readonly DateTime NeverHeld = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private async Task InsertAsync(string name, CancellationToken cancellationToken)
    {
        var row = new BackgroundLease { Name = name, Holder = "", ExpiresAt = NeverHeld };
        db.BackgroundLeases.Add(row);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another instance inserted it first: the row is there, which is all this wanted.
        }
        finally
        {
            db.Entry(row).State = EntityState.Detached;
        }
    }
}
