using System.Text.Json;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Features.Groups;
using AuthClients.Web.Features.Lists;
using AuthClients.Web.Features.Users;
using AuthClients.Web.Hosting;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Web.Features.Audit;

/// <summary>The Audit Log's one column it sorts by: the time (newest first unless the URL says <c>dir=asc</c>).</summary>
public static class AuditLogSort
{
    public const string Time = "time";

    public static readonly ListColumns Columns = new(Time, [Time], defaultDescending: true);
}

/// <summary>
/// Reads the Audit Log: filtered, sorted and paged in the database (each filter has its index,
/// with the time), the names of the page's targets looked up in one query per kind of target,
/// and the whole filtered log streamed for the CSV export.
/// </summary>
public sealed class AuditLogQueries(AppDbContext db)
{
    /// <summary>
    /// At most this many matches are counted. An exact count over hundreds of thousands of rows is
    /// what makes a page slow at a million records; past this the page says "10,000+ events" and
    /// pages through these, newest (or oldest) first: a narrower filter reaches the rest.
    /// </summary>
    public const int CountLimit = 10_000;

    public async Task<AuditLogCriteria> CheckAsync(AuditLogFilter filter, CancellationToken cancellationToken)
    {
        // As Identity's normalizer stores it.
        var normalizedEmail = filter.ActorEmail?.ToUpperInvariant();
        var actorId = normalizedEmail is not null
            ? await db.Users.AsNoTracking()
                .Where(u => u.NormalizedEmail == normalizedEmail)
                .Select(u => u.Id)
                .FirstOrDefaultAsync(cancellationToken)
            : SearchTerm.From(filter.Actor);
        return filter.Check(actorId);
    }

    public async Task<AuditLogPage> ListAsync(AuditLogCriteria criteria, ListQuery query, CancellationToken cancellationToken)
    {
        if (!criteria.IsValid)
        {
            return new AuditLogPage(new ListPage<AuditLogItem>([], 0, 1, query.SafePageSize), IsCapped: false, ActorUser: null);
        }

        var count = await Matching(criteria).CountUpToAsync(CountLimit, cancellationToken);
        var pageNumber = Math.Clamp(query.Page, 1, ListPage.PageCount(count.Total, query.SafePageSize));
        var rows = await PageSource(criteria, query.SortsDescending, rowsUpToPageEnd: pageNumber * query.SafePageSize).ToPageAsync(
            pageNumber,
            query.SafePageSize,
            records => Sorted(records, query.SortsDescending),
            r => r,
            cancellationToken,
            count);

        var names = await TargetNamesAsync(rows.Items, criteria.ActorId, cancellationToken);
        var page = rows.Select(r => ItemOf(r, names));
        var actorName = criteria.ActorId is { } id && names.TryGetValue((UserAudit.TargetType, id), out var filtered) ? filtered : null;
        return new AuditLogPage(page, count.IsCapped, actorName);
    }

    /// <summary>
    /// The latest changes, newest first, as the Audit Log shows them (the dashboard's "Recent
    /// changes"): sign-ins and sign-in failures are events, not changes, and are left out. The
    /// changes are read as the catalogue's change actions, one run per action (<see cref="PageSource"/>),
    /// not as "every action but the sign-ins": that would walk back through every sign-in since
    /// the last change, and a flood of failed sign-ins would make the dashboard slow.
    /// </summary>
    public async Task<IReadOnlyList<AuditLogItem>> LatestChangesAsync(int count, CancellationToken cancellationToken)
    {
        var changes = new AuditLogCriteria(null, null, null, AuditCatalogue.ChangeActions, null, null, new Dictionary<string, string>());
        var rows = await Sorted(PageSource(changes, descending: true, rowsUpToPageEnd: count), descending: true)
            .Take(count)
            .ToListAsync(cancellationToken);
        var names = await TargetNamesAsync(rows, filteredActor: null, cancellationToken);
        return [.. rows.Select(r => ItemOf(r, names))];
    }

    private static AuditLogItem ItemOf(AuditRecord r, Dictionary<(string Type, string Id), AuditTargetName> names) => new(
        r.Id,
        r.OccurredAt,
        r.ActorId,
        r.ActorName,
        r.ActorId is { } actor && names.TryGetValue((UserAudit.TargetType, actor), out var actorUser) ? actorUser.Link : null,
        r.IpAddress,
        r.Action,
        AuditCatalogue.TextOf(r.Action),
        r.TargetType,
        r.TargetId,
        names.GetValueOrDefault((r.TargetType, r.TargetId)),
        ChangesOf(r.Changes));

    /// <summary>
    /// Hands <paramref name="write"/> the filtered log in the asked order, read row by row as it
    /// writes: no list in memory. Under a retrying execution strategy (DatabaseRetries) EF Core reads
    /// a query's every row into memory before the first, so that it could run the query again. Rows
    /// already sent cannot be taken back anyway, so the export runs as one attempt
    /// (<see cref="SingleAttempt"/>), where EF Core streams; a fault part way ends the download.
    /// </summary>
    public Task StreamAsync(AuditLogCriteria criteria, bool descending, Func<IAsyncEnumerable<AuditRecord>, CancellationToken, Task> write, CancellationToken cancellationToken) =>
        new SingleAttempt(db).ExecuteAsync(ct => write(Sorted(Matching(criteria), descending).AsAsyncEnumerable(), ct), cancellationToken);

    private IQueryable<AuditRecord> Matching(AuditLogCriteria c)
    {
        var records = db.AuditRecords.AsNoTracking();
        if (c.ActorId is { } actorId)
        {
            records = records.Where(r => r.ActorId == actorId);
        }

        if (c.TargetType is { } targetType)
        {
            records = records.Where(r => r.TargetType == targetType);
        }

        if (c.TargetId is { } targetId)
        {
            records = records.Where(r => r.TargetId == targetId);
        }

        if (c.Actions is [var action])
        {
            records = records.Where(r => r.Action == action);
        }
        else if (c.Actions is { } actions)
        {
            records = records.Where(r => actions.Contains(r.Action));
        }

        if (c.FromUtc is { } from)
        {
            records = records.Where(r => r.OccurredAt >= from);
        }

        if (c.BeforeUtc is { } before)
        {
            records = records.Where(r => r.OccurredAt < before);
        }

        return records;
    }

    /// <summary>
    /// The rows a page is read from. A kind of event that is a family of actions is read as one
    /// sorted run per action, each cut at the page's end, and merged: each run walks its own index
    /// ((actor, action, time), or (action, time)) in time order and stops early. One query with
    /// "Action IN (...)" cannot be read in time order from those indexes, and PostgreSQL then walks
    /// the time index of the whole date range, filtering (75 ms at a million records, the whole
    /// month read for an actor's credential events).
    /// </summary>
    private IQueryable<AuditRecord> PageSource(AuditLogCriteria criteria, bool descending, int rowsUpToPageEnd) =>
        criteria.Actions is { Count: > 1 } actions
            ? actions
                .Select(action => Sorted(Matching(criteria with { Actions = [action] }), descending).Take(rowsUpToPageEnd))
                .Aggregate(Queryable.Concat)
            : Matching(criteria);

    // The Id breaks ties between records of the same instant, so paging never repeats or skips one.
    private static IQueryable<AuditRecord> Sorted(IQueryable<AuditRecord> records, bool descending) =>
        records.OrderBy(r => r.OccurredAt, descending).ThenBy(r => r.Id, descending);

    /// <summary>
    /// The current name and page of each target on the page (and of the actors who are users),
    /// one query per kind of target; a target deleted since has none and shows its id.
    /// </summary>
    private async Task<Dictionary<(string Type, string Id), AuditTargetName>> TargetNamesAsync(IReadOnlyList<AuditRecord> rows, string? filteredActor, CancellationToken cancellationToken)
    {
        List<string> IdsOf(string type) => rows.Where(r => r.TargetType == type).Select(r => r.TargetId).Distinct().ToList();
        var clientIds = IdsOf(AuthClientAudit.TargetType);
        var userIds = IdsOf(UserAudit.TargetType)
            .Concat(rows.Select(r => r.ActorId).OfType<string>().Where(a => !a.StartsWith(AuditService.ClientActorPrefix, StringComparison.Ordinal)))
            .Append(filteredActor).OfType<string>().Distinct().ToList();
        var groupIds = IdsOf(GroupAudit.TargetType);
        var tokenIds = IdsOf(AuditCatalogue.PersonalAccessTokenTarget);

        var names = new Dictionary<(string, string), AuditTargetName>();
        if (clientIds.Count > 0)
        {
            foreach (var c in await db.AuthClients.AsNoTracking().Where(a => clientIds.Contains(a.ClientId!)).Select(a => new { a.ClientId, a.Id, a.DisplayName }).ToListAsync(cancellationToken))
            {
                names[(AuthClientAudit.TargetType, c.ClientId!)] = new(c.DisplayName ?? c.ClientId!, $"{Routes.AuthClients}/{c.Id}/edit");
            }
        }

        if (userIds.Count > 0)
        {
            foreach (var u in await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).Select(u => new { u.Id, u.FirstName, u.LastName, u.Email }).ToListAsync(cancellationToken))
            {
                var name = $"{u.FirstName} {u.LastName}".Trim();
                names[(UserAudit.TargetType, u.Id)] = new(name.Length > 0 ? $"{name} ({u.Email})" : u.Email ?? u.Id, $"{Routes.Users}/{u.Id}/edit", u.Email);
            }
        }

        if (groupIds.Count > 0)
        {
            foreach (var g in await db.Groups.AsNoTracking().Where(g => groupIds.Contains(g.Id)).Select(g => new { g.Id, g.Name }).ToListAsync(cancellationToken))
            {
                names[(GroupAudit.TargetType, g.Id)] = new(g.Name, $"{Routes.Groups}/{g.Id}/edit");
            }
        }

        if (tokenIds.Count > 0)
        {
            // A token's own page is its owner's profile: no link for an administrator.
            foreach (var t in await db.PersonalAccessTokens.AsNoTracking().Where(t => tokenIds.Contains(t.Id)).Select(t => new { t.Id, t.Name }).ToListAsync(cancellationToken))
            {
                names[(AuditCatalogue.PersonalAccessTokenTarget, t.Id)] = new(t.Name, null);
            }
        }

        return names;
    }

    /// <summary>The record's <c>{"field": {"from": …, "to": …}}</c> as lines to show; a value that is not such an object shows as its JSON.</summary>
    public static IReadOnlyList<AuditChange> ChangesOf(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return [new AuditChange("", null, json)];
            }

            return document.RootElement.EnumerateObject().Select(field =>
                field.Value.ValueKind == JsonValueKind.Object && field.Value.TryGetProperty("from", out var from) && field.Value.TryGetProperty("to", out var to)
                    ? new AuditChange(field.Name, Text(from), Text(to))
                    : new AuditChange(field.Name, null, Text(field.Value))).ToList();
        }
        catch (JsonException)
        {
            return [new AuditChange("", null, json)];
        }
    }

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Array => value.GetArrayLength() == 0 ? "(none)" : string.Join(", ", value.EnumerateArray().Select(v => Text(v) ?? "null")),
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        _ => value.GetRawText(),
    };
}

/// <summary>One page of the Audit Log.</summary>
/// <param name="IsCapped">More matches than <see cref="AuditLogQueries.CountLimit"/>: the page says "10,000+".</param>
/// <param name="ActorUser">The user the actor filter names, to show their email in the filter.</param>
public sealed record AuditLogPage(ListPage<AuditLogItem> Rows, bool IsCapped, AuditTargetName? ActorUser);

/// <summary>A target's (or actor's) current name and page (null: it has none an administrator opens).</summary>
public sealed record AuditTargetName(string Name, string? Link, string? Email = null);

/// <summary>One field of a change: its value before and after (null: none, e.g. on creation).</summary>
public sealed record AuditChange(string Field, string? From, string? To);

/// <param name="ActorLink">The actor's user page when the actor is a user who still exists.</param>
/// <param name="Target">The target's current name and page; null when it no longer exists (the page shows the id).</param>
public sealed record AuditLogItem(
    long Id,
    DateTime OccurredAt,
    string? ActorId,
    string ActorName,
    string? ActorLink,
    string? IpAddress,
    string Action,
    string ActionText,
    string TargetType,
    string TargetId,
    AuditTargetName? Target,
    IReadOnlyList<AuditChange> Changes);
