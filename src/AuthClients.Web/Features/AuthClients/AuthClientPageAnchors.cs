using System.Collections.Concurrent;
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
/// count, so a page never starts from positions of another version of the list. The read is one
/// walk of the order's index that returns only the positions (<c>ROW_NUMBER()</c>, every
/// provider has it), made by one request at a time per order; the others wait for it.
/// </remarks>
public sealed class AuthClientPageAnchors(IOptions<AuthClientListOptions> options)
{
    private readonly ConcurrentDictionary<string, Read> _read = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _reading = new();

    /// <summary>
    /// The positions of the list in the order of <paramref name="keyset"/> when it was at
    /// <paramref name="changes"/>; null for an order without them (no unique index holds its column
    /// alone), for a page shallower than the spacing (it is read as before), and when the list has
    /// changed again since.
    /// </summary>
    public async Task<ListAnchors?> ForAsync<TItem>(
        AppDbContext db, ListKeyset<AuthClientApplication, TItem> keyset, long changes, int skip, CancellationToken cancellationToken)
    {
        var spacing = options.Value.PageAnchorSpacing;
        if (skip < spacing || keyset.IndexedProperty is not { } property)
        {
            return null;
        }

        if (_read.TryGetValue(property, out var read) && read.Changes == changes)
        {
            return read.Anchors;
        }

        var reading = _reading.GetOrAdd(property, _ => new SemaphoreSlim(1, 1));
        await reading.WaitAsync(cancellationToken);
        try
        {
            if (!_read.TryGetValue(property, out read) || read.Changes < changes)
            {
                read = await ReadAsync(db, property, spacing, cancellationToken);
                _read[property] = read;
            }

            return read.Changes == changes ? read.Anchors : null;
        }
        finally
        {
            reading.Release();
        }
    }

    private sealed record Read(long Changes, ListAnchors Anchors);

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
        var sql = $"""
            SELECT t.{totals.Column(nameof(AuthClientTotal.Changes))}, o.sort_value, o.tie
            FROM (SELECT {sorted} AS sort_value, {clients.Column(nameof(AuthClientApplication.Number))} AS tie, ROW_NUMBER() OVER (ORDER BY {sorted}) AS row_at
                  FROM {clients.Table}) AS o
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
