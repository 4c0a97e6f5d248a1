using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using static AuthClients.Web.Connect.ClientActivity;

namespace AuthClients.Web.Connect;

/// <summary>
/// Writes one <see cref="Batch"/> inside the flush's transaction (<see cref="ClientUsageFlush"/>):
/// <list type="bullet">
/// <item>each count is added to its hour's row (<c>Count = Count + n</c>), or inserted when there is
/// none yet. Another instance may insert the same row between the two: the insert then fails on the
/// key, is rolled back to its savepoint (EF Core takes one before each <c>SaveChanges</c> inside a
/// transaction, on every provider), and the count is added to that row instead.</item>
/// <item>failures are inserted, then each client named in the batch keeps only its newest
/// <c>Activity:FailuresKept</c> rows (in one statement per 500 clients).</item>
/// </list>
/// Rows are written in one order (by key) on every instance, so two flushing at once wait for each other instead of deadlocking.
/// </summary>
internal static class ClientActivityWriter
{
    private const int ClientsPerDelete = 500;

    public static async Task WriteAsync(AppDbContext db, Batch batch, int failuresKept, CancellationToken cancellationToken)
    {
        await AddCountsAsync(db, batch.Tokens,
            (key, n) => db.ClientTokenCounts
                .Where(c => c.ClientId == key.ClientId && c.Hour == key.Hour && c.GrantType == key.Name)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Count, c => c.Count + n), cancellationToken),
            (key, n) => db.ClientTokenCounts.Add(new ClientTokenCount { ClientId = key.ClientId, Hour = key.Hour, GrantType = key.Name, Count = n }),
            cancellationToken);
        await AddCountsAsync(db, batch.FailureCounts,
            (key, n) => db.ClientFailureCounts
                .Where(c => c.ClientId == key.ClientId && c.Hour == key.Hour && c.Reason == key.Name)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Count, c => c.Count + n), cancellationToken),
            (key, n) => db.ClientFailureCounts.Add(new ClientFailureCount { ClientId = key.ClientId, Hour = key.Hour, Reason = key.Name, Count = n }),
            cancellationToken);
        await AddFailuresAsync(db, batch.Failures, failuresKept, cancellationToken);
    }

    private static async Task AddCountsAsync(
        AppDbContext db,
        IReadOnlyDictionary<CountKey, long> counts,
        Func<CountKey, long, Task<int>> addToRow,
        Action<CountKey, long> insertRow,
        CancellationToken cancellationToken)
    {
        var ordered = counts.OrderBy(c => c.Key.ClientId, StringComparer.Ordinal).ThenBy(c => c.Key.Hour).ThenBy(c => c.Key.Name, StringComparer.Ordinal).ToList();
        var missing = new List<KeyValuePair<CountKey, long>>();
        foreach (var (key, n) in ordered)
        {
            if (await addToRow(key, n) == 0)
            {
                missing.Add(new(key, n));
            }
        }

        if (missing.Count == 0)
        {
            return;
        }

        // The usual case: the first flush of an hour inserts its rows, all in one statement batch.
        foreach (var (key, n) in missing)
        {
            insertRow(key, n);
        }

        if (await TrySaveAsync(db, cancellationToken))
        {
            return;
        }

        // Another instance inserted some of them meanwhile: row by row, adding to the ones that exist now.
        foreach (var (key, n) in missing)
        {
            if (await addToRow(key, n) > 0)
            {
                continue;
            }

            insertRow(key, n);
            if (!await TrySaveAsync(db, cancellationToken) && await addToRow(key, n) == 0)
            {
                throw new DbUpdateException($"The activity count of client {key.ClientId} at {key.Hour:O} ({key.Name}) could be neither inserted nor added to.");
            }
        }
    }

    /// <summary>Saves the added rows; false (and nothing saved, nothing left tracked) when the database refused them, e.g. on a duplicate key.</summary>
    private static async Task<bool> TrySaveAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private static async Task AddFailuresAsync(AppDbContext db, IReadOnlyList<Failure> failures, int kept, CancellationToken cancellationToken)
    {
        if (failures.Count == 0)
        {
            return;
        }

        db.ClientFailures.AddRange(failures.Select(f => new ClientFailure
        {
            ClientId = f.ClientId,
            OccurredAt = f.At,
            Reason = f.Reason,
            GrantType = f.GrantType,
            IpAddress = f.From,
        }));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        // A row goes when the client has at least `kept` newer ones (by time, then by insertion).
        foreach (var clients in failures.Select(f => f.ClientId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Chunk(ClientsPerDelete))
        {
            await db.ClientFailures
                .Where(f => clients.Contains(f.ClientId)
                    && db.ClientFailures.Count(newer => newer.ClientId == f.ClientId
                        && (newer.OccurredAt > f.OccurredAt || (newer.OccurredAt == f.OccurredAt && newer.Id > f.Id))) >= kept)
                .ExecuteDeleteAsync(cancellationToken);
        }
    }
}
