using System.Data.Common;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using static AuthClients.Web.Connect.ClientActivity;

namespace AuthClients.Web.Connect;

/// <summary>
/// Writes one <see cref="Batch"/> inside the flush's transaction (<see cref="ClientUsageFlush"/>):
/// <list type="bullet">
/// <item>each count is added to its hour's row (<c>Count = Count + n</c>), or inserted when there is
/// none yet: in one statement on SQLite and PostgreSQL (<c>INSERT ... ON CONFLICT DO UPDATE</c>), as an
/// update and an insert on SQL Server, where another instance may insert the same row between the two;
/// the insert then fails on the key, is rolled back to a savepoint, and the count is added to that row
/// instead (<see cref="AddCountsAsync"/>).</item>
/// <item>failures are inserted, then each client named in the batch keeps only its newest
/// <c>Activity:FailuresKept</c> rows (in one statement per 500 clients).</item>
/// </list>
/// Rows are written in one order (by key) on every instance, so two flushing at once wait for each other instead of deadlocking.
/// </summary>
internal static class ClientActivityWriter
{
    private const int ClientsPerDelete = 500;

    /// <summary>Rows per command of <see cref="AddCountsAsync"/>: 4 parameters each, well under every provider's limit (SQL Server's 2,100).</summary>
    private const int CountRowsPerCommand = 200;

    public static async Task WriteAsync(AppDbContext db, Batch batch, int failuresKept, CancellationToken cancellationToken)
    {
        await AddCountsAsync<ClientTokenCount>(db, batch.Tokens, nameof(ClientTokenCount.GrantType), cancellationToken);
        await AddCountsAsync<ClientFailureCount>(db, batch.FailureCounts, nameof(ClientFailureCount.Reason), cancellationToken);
        await AddFailuresAsync(db, batch.Failures, failuresKept, cancellationToken);
    }

    /// <summary>
    /// Adds each count to its row or inserts it, in key order, <see cref="CountRowsPerCommand"/> rows
    /// to a command, as SQL: a flush after a round robin over many clients has thousands of rows, and
    /// one EF Core <c>ExecuteUpdate</c> each went through its query pipeline (docs/performance.md).
    /// Table and column names come from the model, quoted by the provider.
    /// <para>
    /// SQLite and PostgreSQL: one <c>INSERT ... VALUES (...), (...) ON CONFLICT (key) DO UPDATE SET
    /// Count = Count + excluded.Count</c> per command (on SQLite the rows in one JSON parameter,
    /// <see cref="SqliteJsonRowsCommand"/>: <c>INSERT ... SELECT ... FROM json_each(...)</c>), parsed once, atomic against another instance's
    /// insert of the same row (the database waits for it and adds). A statement pair per row was
    /// parsed and bound row by row: SQLite's parser and parameter look-ups showed in the round robin's profile.
    /// </para>
    /// <para>
    /// SQL Server has no such statement: for each count <c>UPDATE ... SET Count = Count + n</c>, then
    /// an <c>INSERT ... WHERE NOT EXISTS</c>, which inserts only when the update found none. Another
    /// instance may insert the row between the two: the insert then fails on the key, the command is
    /// rolled back to its savepoint and its rows are written one by one, each tried a second time
    /// after such a failure, when its update finds the other instance's row.
    /// </para>
    /// </summary>
    private static async Task AddCountsAsync<TEntity>(AppDbContext db, IReadOnlyDictionary<CountKey, long> counts, string nameProperty, CancellationToken cancellationToken)
    {
        if (counts.Count == 0)
        {
            return;
        }

        var names = QuotedNames.Of<TEntity>(db);
        var (tableName, clientId, hour, name, count) = (names.Table,
            names.Column(nameof(ClientTokenCount.ClientId)), names.Column(nameof(ClientTokenCount.Hour)), names.Column(nameProperty), names.Column(nameof(ClientTokenCount.Count)));

        // {0} client, {1} hour, {2} name, {3} n.
        var insert = $"INSERT INTO {tableName} ({clientId}, {hour}, {name}, {count}) ";
        var orAdd = $" ON CONFLICT ({clientId}, {hour}, {name}) DO UPDATE SET {count} = {tableName}.{count} + excluded.{count};";
        IRowsCommand statement = db.Database.IsSqlServer()
            ? SqlServerAddOrInsert(tableName, clientId, hour, name, count)
            : db.Database.IsSqlite()
                ? new SqliteJsonRowsCommand(insert, 4, " WHERE true" + orAdd) // the WHERE tells SQLite's parser that ON CONFLICT is the upsert's, not a join's
                : new RowsCommand(insert + "VALUES ", "({0}, {1}, {2}, {3})", ", ", orAdd);

        var transaction = db.Database.CurrentTransaction ?? throw new InvalidOperationException("Activity counts are written inside the flush's transaction.");
        var ordered = counts.OrderBy(c => c.Key.ClientId, StringComparer.Ordinal).ThenBy(c => c.Key.Hour).ThenBy(c => c.Key.Name, StringComparer.Ordinal);
        foreach (var rows in ordered.Chunk(CountRowsPerCommand))
        {
            if (await TryExecuteAsync(db, transaction, rows, statement, cancellationToken))
            {
                continue;
            }

            foreach (var row in rows)
            {
                if (!await TryExecuteAsync(db, transaction, [row], statement, cancellationToken)
                    && !await TryExecuteAsync(db, transaction, [row], statement, cancellationToken))
                {
                    throw new DbUpdateException($"The activity count of client {row.Key.ClientId} at {row.Key.Hour:O} ({row.Key.Name}) could be neither inserted nor added to.");
                }
            }
        }
    }

    /// <summary>SQL Server's pair per row: the update, then the insert when there was nothing to add to.</summary>
    private static RowsCommand SqlServerAddOrInsert(string tableName, string clientId, string hour, string name, string count)
    {
        var where = $"{clientId} = {{0}} AND {hour} = {{1}} AND {name} = {{2}}";
        return new RowsCommand("",
            $"UPDATE {tableName} SET {count} = {count} + {{3}} WHERE {where};\n" +
            $"INSERT INTO {tableName} ({clientId}, {hour}, {name}, {count}) SELECT {{0}}, {{1}}, {{2}}, {{3}} WHERE NOT EXISTS (SELECT 1 FROM {tableName} WHERE {where});\n",
            "", "");
    }

    /// <summary>
    /// Adds the rows' counts in one command; false (and nothing of it kept) when the database
    /// refused it, e.g. on a key another instance inserted meanwhile.
    /// </summary>
    private static async Task<bool> TryExecuteAsync(AppDbContext db, IDbContextTransaction transaction, KeyValuePair<CountKey, long>[] rows, IRowsCommand statement, CancellationToken cancellationToken)
    {
        var (text, parameters) = statement.For(rows, row => [row.Key.ClientId, row.Key.Hour, row.Key.Name, row.Value]);
        const string savepoint = "activity_counts";
        await transaction.CreateSavepointAsync(savepoint, cancellationToken);
        try
        {
            await db.Database.ExecuteSqlRawAsync(text, parameters, cancellationToken);
        }
        catch (DbException) when (!cancellationToken.IsCancellationRequested)
        {
            await transaction.RollbackToSavepointAsync(savepoint, cancellationToken);
            return false;
        }

        await transaction.ReleaseSavepointAsync(savepoint, cancellationToken);
        return true;
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
