using AuthClients.Web.Data;
using AuthClients.Web.Features.Audit;
using AuthClients.Web.Features.AuthClients;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Web.Features.Activity;

/// <summary>The client an Activity tab is about: its internal id, name and Client ID.</summary>
public sealed record ActivityClient(string Id, string Name, string ClientId);

/// <summary>A count for one UTC day and one grant type (tokens) or reason (failures).</summary>
public sealed record DailyCount(DateTime Day, string Name, long Count);

/// <summary>One failed authentication as the tab lists it.</summary>
public sealed record FailureItem(DateTime OccurredAt, string Reason, string? GrantType, string? IpAddress)
{
    public string ReasonText => FailureReasons.Describe(Reason);
}

/// <summary>One audit record about the client, told readably: when, who, what.</summary>
public sealed record ChangeItem(DateTime OccurredAt, string Actor, string What);

/// <summary>What a client's Activity tab shows, for the <see cref="ClientActivityQueries.Days"/> UTC days up to today.</summary>
public sealed record ClientActivityReport(
    ActivityClient Client,
    DateTime FirstDay,
    IReadOnlyList<DailyCount> Tokens,
    IReadOnlyList<DailyCount> Failures,
    IReadOnlyList<FailureItem> LatestFailures,
    IReadOnlyList<ChangeItem> Changes)
{
    /// <summary>Each day of the period, oldest first.</summary>
    public IEnumerable<DateTime> Days => Enumerable.Range(0, ClientActivityQueries.Days).Select(day => FirstDay.AddDays(day));
}

/// <summary>
/// The reads behind a client's Activity tab: counts summed per UTC day in the database over the hourly
/// rows (the rows' keys start with the Client ID and the hour), the latest failures and audit records on their indexes.
/// </summary>
public sealed class ClientActivityQueries(AppDbContext db, TimeProvider clock)
{
    public const int Days = 30;
    public const int FailuresShown = 100;
    public const int ChangesShown = 20;

    public async Task<ActivityClient?> FindClientAsync(string id, CancellationToken cancellationToken = default) =>
        await db.AuthClients.AsNoTracking().Where(a => a.Id == id)
            .Select(a => new ActivityClient(a.Id!, a.DisplayName ?? "", a.ClientId ?? ""))
            .SingleOrDefaultAsync(cancellationToken);

    public async Task<ClientActivityReport> GetAsync(ActivityClient client, CancellationToken cancellationToken = default)
    {
        var clientId = client.ClientId;
        var firstDay = clock.GetUtcNow().UtcDateTime.Date.AddDays(1 - Days);

        var tokens = await db.ClientTokenCounts.AsNoTracking()
            .Where(c => c.ClientId == clientId && c.Hour >= firstDay)
            .GroupBy(c => new { c.Hour.Date, c.GrantType })
            .Select(g => new { g.Key.Date, Name = g.Key.GrantType, Count = g.Sum(c => c.Count) })
            .ToListAsync(cancellationToken);
        var failures = await db.ClientFailureCounts.AsNoTracking()
            .Where(c => c.ClientId == clientId && c.Hour >= firstDay)
            .GroupBy(c => new { c.Hour.Date, c.Reason })
            .Select(g => new { g.Key.Date, Name = g.Key.Reason, Count = g.Sum(c => c.Count) })
            .ToListAsync(cancellationToken);
        var latest = await db.ClientFailures.AsNoTracking()
            .Where(f => f.ClientId == clientId)
            .OrderByDescending(f => f.OccurredAt).ThenByDescending(f => f.Id)
            .Take(FailuresShown)
            .Select(f => new FailureItem(f.OccurredAt, f.Reason, f.GrantType, f.IpAddress))
            .ToListAsync(cancellationToken);
        var changes = await db.AuditRecords.AsNoTracking()
            .Where(a => a.TargetType == AuthClientAudit.TargetType && a.TargetId == clientId)
            .OrderByDescending(a => a.OccurredAt).ThenByDescending(a => a.Id)
            .Take(ChangesShown)
            .Select(a => new { a.OccurredAt, a.ActorName, a.Action, a.Changes })
            .ToListAsync(cancellationToken);

        return new ClientActivityReport(
            client,
            firstDay,
            [.. tokens.Select(t => new DailyCount(Utc(t.Date), t.Name, t.Count))],
            [.. failures.Select(f => new DailyCount(Utc(f.Date), f.Name, f.Count))],
            [.. latest.Select(f => f with { OccurredAt = Utc(f.OccurredAt) })],
            [.. changes.Select(c => new ChangeItem(Utc(c.OccurredAt), c.ActorName, ChangeText.Describe(c.Action, c.Changes)))]);
    }

    /// <summary>SQLite hands times back without their kind: they are all UTC.</summary>
    private static DateTime Utc(DateTime time) => DateTime.SpecifyKind(time, DateTimeKind.Utc);
}

/// <summary>
/// An audit record as the client's Activity tab reads it: the Audit Log's name for the action
/// (<see cref="AuditCatalogue"/>), and for a save, which fields changed ("Changed name and scopes").
/// </summary>
public static class ChangeText
{
    public static string Describe(string action, string? changes)
    {
        if (action != AuditActions.AuthClientUpdated)
        {
            return AuditCatalogue.TextOf(action);
        }

        var fields = Fields(changes);
        if (fields.Count == 1 && fields[0] is ("enabled", var enabled))
        {
            return enabled ? "Enabled the client" : "Disabled the client";
        }

        return fields.Count == 0 ? "Saved the client (nothing changed)" : "Changed " + Join([.. fields.Select(f => FieldName(f.Name))]);
    }

    /// <summary>The changed fields, in the record's order, with whether a yes/no field became yes (read as the Audit Log reads them).</summary>
    private static List<(string Name, bool To)> Fields(string? changes) =>
        [.. AuditLogQueries.ChangesOf(changes).Where(c => c.Field.Length > 0).Select(c => (c.Field, c.To == "yes"))];

    private static string FieldName(string field) => field switch
    {
        "redirect_uris" => "redirect URLs",
        "post_logout_redirect_uris" => "post-logout redirect URLs",
        "enabled" => "enabled",
        _ => field.Replace('_', ' '),
    };

    private static string Join(IReadOnlyList<string> names) =>
        names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " and " + names[^1];
}
