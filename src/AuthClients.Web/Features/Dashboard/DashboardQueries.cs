using AuthClients.Web.Data;
using AuthClients.Web.Features.Audit;
using AuthClients.Web.Features.AuthClients;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Features.Dashboard;

/// <summary>
/// The figures of the Admin landing page. Every figure is an aggregate the database answers from
/// an index (a count, a sum, a grouped top five); no client, credential or event is read into
/// memory beyond the few rows shown by name. Only the parts the viewer may see are read.
/// </summary>
public sealed class DashboardQueries(AppDbContext db, AuditLogQueries auditLog, IOptions<CredentialOptions> credentialOptions, TimeProvider clock)
{
    /// <summary>How many clients the failures and expiring credentials sections name.</summary>
    public const int TopCount = 5;

    /// <summary>How many audit records "Recent changes" shows.</summary>
    public const int RecentChangesCount = 10;

    /// <summary>The window of "Failed authentications in the last 24 hours".</summary>
    public static readonly TimeSpan FailuresWithin = TimeSpan.FromHours(24);

    /// <param name="clients">Whether the viewer may see clients (View Auth Clients): the client figures and failures.</param>
    /// <param name="auditLog">Whether the viewer may read the audit log: recent changes.</param>
    public async Task<DashboardViewModel> GetAsync(bool clients, bool auditLog, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new DashboardViewModel(
            clients ? await ClientFiguresAsync(now, cancellationToken) : null,
            clients ? await FailuresAsync(now, cancellationToken) : null,
            auditLog ? await RecentChangesAsync(cancellationToken) : null);
    }

    private async Task<ClientFigures> ClientFiguresAsync(DateTime now, CancellationToken cancellationToken)
    {
        var clients = db.AuthClients.AsNoTracking();
        var usedSince = now - AuthClientSort.RecentlyUsedWithin;
        var idleSince = now - AuthClientSort.NotUsedFor;
        var total = await clients.CountAsync(cancellationToken);
        var disabled = await clients.CountAsync(a => !a.IsEnabled, cancellationToken);
        var usedRecently = await clients.CountAsync(a => a.LastUsedAt >= usedSince, cancellationToken);
        // "Never, or not since": the rest of the clients, so both counts are ranges of the LastUsedAt index.
        var notUsed = total - await clients.CountAsync(a => a.LastUsedAt >= idleSince, cancellationToken);

        var warning = credentialOptions.Value.ExpiryWarning;
        var expiring = AuthClientQueries.ExpiringCredentials(db.AuthClientCredentials.AsNoTracking(), now, warning);
        var expiringCredentials = await expiring.CountAsync(cancellationToken);
        var expiringClients = await expiring.Select(c => c.ApplicationId).Distinct().CountAsync(cancellationToken);
        if (expiringCredentials == 0)
        {
            return new ClientFigures(total, disabled, usedRecently, notUsed, warning, 0, 0, []);
        }

        var soonest = await expiring
            .GroupBy(c => c.ApplicationId)
            .Select(g => new { Id = g.Key, ExpiresAt = g.Min(c => c.ExpiresAt)!.Value })
            .OrderBy(g => g.ExpiresAt).ThenBy(g => g.Id)
            .Take(TopCount)
            .ToListAsync(cancellationToken);
        var ids = soonest.Select(s => s.Id).ToList();
        var names = await clients.Where(a => ids.Contains(a.Id!))
            .Select(a => new { a.Id, a.ClientId, a.DisplayName })
            .ToDictionaryAsync(a => a.Id!, cancellationToken);
        var firstExpiring = soonest.Where(s => names.ContainsKey(s.Id))
            .Select(s => new ExpiringClient(s.Id, names[s.Id].ClientId ?? "", names[s.Id].DisplayName ?? "", s.ExpiresAt))
            .ToList();

        return new ClientFigures(total, disabled, usedRecently, notUsed, warning, expiringCredentials, expiringClients, firstExpiring);
    }

    private async Task<FailureFigures> FailuresAsync(DateTime now, CancellationToken cancellationToken)
    {
        var since = now - FailuresWithin;
        var counts = db.ClientFailureCounts.AsNoTracking().Where(f => f.Hour >= since);
        var total = await counts.SumAsync(f => f.Count, cancellationToken);
        if (total == 0)
        {
            return new FailureFigures(0, []);
        }

        var top = await counts
            .GroupBy(f => f.ClientId)
            .Select(g => new { ClientId = g.Key, Count = g.Sum(f => f.Count) })
            .OrderByDescending(g => g.Count).ThenBy(g => g.ClientId)
            .Take(TopCount)
            .ToListAsync(cancellationToken);
        var clientIds = top.Select(t => t.ClientId).ToList();
        var known = await db.AuthClients.AsNoTracking().Where(a => clientIds.Contains(a.ClientId!))
            .Select(a => new { a.Id, a.ClientId, a.DisplayName })
            .ToDictionaryAsync(a => a.ClientId!, cancellationToken);
        return new FailureFigures(total, top.Select(t => known.TryGetValue(t.ClientId, out var client)
            ? new FailingClient(t.ClientId, client.Id, client.DisplayName, t.Count)
            : new FailingClient(t.ClientId, null, null, t.Count)).ToList());
    }

    private Task<IReadOnlyList<AuditLogItem>> RecentChangesAsync(CancellationToken cancellationToken) =>
        auditLog.LatestChangesAsync(RecentChangesCount, cancellationToken);
}
