using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Lists;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Features.AuthClients;

/// <summary>
/// What this instance knows of where the whole Auth Clients list's pages start, in its name and
/// Client ID orders (<see cref="ListAnchors"/>): the position of every
/// <see cref="AuthClientListOptions.PageAnchorSpacing"/>-th client, each set for the value of
/// <see cref="AuthClientTotal.Changes"/> it was read at. A page typed by its number is then an
/// index seek and a short walk, however deep (docs/performance.md, "Issue 16, ninth look").
/// </summary>
/// <remarks>
/// Kept per instance and read again after any change: the counter is the database's, moved by
/// triggers (every instance's writes, and SQL's), and the list page reads it with the list's
/// count, so a page never starts from positions of another version of the list. The read walks the
/// order's index once (0.5 to 0.75 s at 1,000,000 clients in the bench), so no request waits for
/// it: the page that finds the positions missing or out of date is read as before
/// (<see cref="ListKeyset{TRow, TItem}.Window"/>) and starts the read in the background, one at a
/// time per order; the pages after it use the positions.
/// </remarks>
public sealed partial class AuthClientPageAnchors(
    IServiceScopeFactory scopes,
    IOptions<AuthClientListOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<AuthClientPageAnchors> logger)
{
    private readonly ConcurrentDictionary<string, Read> _read = new();
    // The orders whose positions are being read: at most one read per order at a time.
    private readonly ConcurrentDictionary<string, bool> _reading = new();

    /// <summary>
    /// The positions of the list sorted by <paramref name="property"/> (a
    /// <see cref="ListKeyset{TRow, TItem}.IndexedProperty"/>) when it was at <paramref name="changes"/>;
    /// null for a page shallower than the spacing (it is read as before, and nothing is started),
    /// and while they are missing or of another version of the list (the read starts, if it has not).
    /// </summary>
    public ListAnchors? For(string property, long changes, int skip)
    {
        var spacing = options.Value.PageAnchorSpacing;
        if (skip < spacing)
        {
            return null;
        }

        if (_read.TryGetValue(property, out var read) && read.Changes == changes)
        {
            return read.Anchors;
        }

        // Positions newer than the caller's count (the list changed since it was counted) are kept.
        if (read is null || read.Changes < changes)
        {
            StartReading(property, spacing);
        }

        return null;
    }

    private void StartReading(string property, int spacing)
    {
        if (!_reading.TryAdd(property, true))
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            var stopping = lifetime.ApplicationStopping;
            try
            {
                var started = Stopwatch.GetTimestamp();
                await using var scope = scopes.CreateAsyncScope();
                var read = await ReadAsync(scope.ServiceProvider.GetRequiredService<AppDbContext>(), property, spacing, stopping);
                _read[property] = read;
                var milliseconds = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                LogRead(logger, read.Anchors.Positions.Count, property, milliseconds);
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                // The database is unreachable, say: pages are read without positions, and the next deep one tries again.
                LogReadFailed(logger, property, e);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                // The app is stopping: nothing is kept, and nothing is wrong.
            }
            finally
            {
                _reading.TryRemove(property, out _);
            }
        }, CancellationToken.None);
    }

    private sealed record Read(long Changes, ListAnchors Anchors);

    [LoggerMessage(Level = LogLevel.Information, Message = "Read {Positions} page positions of the Auth Clients list by {Property} in {Milliseconds} ms.")]
    private static partial void LogRead(ILogger logger, int positions, string property, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the page positions of the Auth Clients list by {Property}; pages typed by their number are read without them.")]
    private static partial void LogReadFailed(ILogger logger, string property, Exception exception);

    /// <summary>
    /// The counter and the positions in one statement, so both are of one version of the list (a
    /// statement reads one snapshot on every provider). A list without clients has no positions,
    /// and its counter is not needed: no page of it is deep.
    /// </summary>
    private static async Task<Read> ReadAsync(AppDbContext db, string property, int spacing, CancellationToken cancellationToken)
    {
        var clients = QuotedNames.Of<AuthClientApplication>(db);
        var totals = QuotedNames.Of<AuthClientTotal>(db);
        var sorted = clients.Column(property);
        var number = clients.Column(nameof(AuthClientApplication.Number));
        // Only the sorted column in the walk, so the database reads the index alone (PostgreSQL read
        // every row for the number as well: 1.9 s at 1,000,000 clients); the 1 in spacing rows kept
        // look their number up.
        var sql = $"""
            SELECT t.{totals.Column(nameof(AuthClientTotal.Changes))}, o.sort_value,
                   (SELECT c.{number} FROM {clients.Table} AS c WHERE c.{sorted} = o.sort_value)
            FROM (SELECT {sorted} AS sort_value, ROW_NUMBER() OVER (ORDER BY {sorted}) AS row_at FROM {clients.Table}) AS o
            CROSS JOIN {totals.Table} AS t
            WHERE t.{totals.Column(nameof(AuthClientTotal.Id))} = {AuthClientTotal.RowId.ToString(CultureInfo.InvariantCulture)}
              AND (o.row_at - 1) % {spacing.ToString(CultureInfo.InvariantCulture)} = 0
            ORDER BY o.row_at
            """;
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                await using var reader = await command.ExecuteReaderAsync(ct);
                var changes = 0L;
                var positions = new List<ListCursor>();
                while (await reader.ReadAsync(ct))
                {
                    changes = reader.GetInt64(0);
                    positions.Add(new ListCursor(property, Descending: false, Convert.ToString(reader.GetValue(1), CultureInfo.InvariantCulture), reader.GetInt64(2)));
                }

                return new Read(changes, new ListAnchors(spacing, positions));
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }, cancellationToken);
    }
}
