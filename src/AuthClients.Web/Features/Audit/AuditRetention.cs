using AuthClients.Web.Data;
using AuthClients.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Features.Audit;

/// <summary>
/// Removes audit records older than <c>Audit:RetentionDays</c> and client activity older than
/// <c>Audit:ActivityRetentionDays</c>, every <c>Audit:PruneInterval</c>, on one instance of the
/// cluster: the one holding the <c>audit-retention</c> lease (<see cref="DatabaseLease"/>). Rows go
/// in batches of <see cref="BatchSize"/>, each its own short statement, so a first run over a year
/// of backlog never holds one giant transaction or lock. A database error is logged once (not on
/// every tick) and the next tick tries again.
/// </summary>
public sealed partial class AuditRetention(
    IServiceScopeFactory scopes,
    IOptions<AuditOptions> options,
    TimeProvider clock,
    ILogger<AuditRetention> logger) : PeriodicBackgroundService(clock)
{
    public const string LeaseName = "audit-retention";
    public const int BatchSize = 5_000;

    private readonly string _holder = DatabaseLease.NewHolder();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _failedRuns;

    protected override TimeSpan Period => options.Value.PruneInterval;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await Timer.WaitForNextTickAsync(stoppingToken))
            {
                await RunOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// One tick: takes (or renews) the lease and, holding it, prunes.
    /// </summary>
    /// <returns>The rows removed; null when another instance holds the lease or the database failed.</returns>
    public async Task<PruneResult?> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var lease = scope.ServiceProvider.GetRequiredService<DatabaseLease>();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            PruneResult result;
            try
            {
                // The lease lasts two intervals, renewed on each of the holder's ticks: a run that takes longer
                // than one interval, or a tick that comes late, does not let a second instance start; when
                // the holder is gone, another instance takes over within two intervals.
                if (!await lease.TryTakeAsync(LeaseName, _holder, 2 * options.Value.PruneInterval, cancellationToken))
                {
                    return null;
                }

                result = await PruneAsync(db, cancellationToken);
                await lease.MarkRunAsync(LeaseName, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (_failedRuns++ == 0)
                {
                    LogRunFailed(logger, exception);
                }

                return null;
            }

            if (_failedRuns > 0)
            {
                LogRecovered(logger, _failedRuns);
                _failedRuns = 0;
            }

            LogPruned(logger, result.AuditRecords, result.ActivityRows, options.Value.RetentionDays, options.Value.ActivityRetentionDays);
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<PruneResult> PruneAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var now = Clock.GetUtcNow().UtcDateTime;
        var auditCutoff = now.AddDays(-options.Value.RetentionDays);
        var activityCutoff = now.AddDays(-options.Value.ActivityRetentionDays);

        var audit = await InBatchesAsync(() => db.AuditRecords.Where(r => r.OccurredAt < auditCutoff).OrderBy(r => r.Id).Take(BatchSize).ExecuteDeleteAsync(cancellationToken));
        var activity = await InBatchesAsync(() => db.ClientTokenCounts.Where(c => c.Hour < activityCutoff).OrderBy(c => c.Hour).Take(BatchSize).ExecuteDeleteAsync(cancellationToken))
            + await InBatchesAsync(() => db.ClientFailureCounts.Where(c => c.Hour < activityCutoff).OrderBy(c => c.Hour).Take(BatchSize).ExecuteDeleteAsync(cancellationToken))
            + await InBatchesAsync(() => db.ClientFailures.Where(f => f.OccurredAt < activityCutoff).OrderBy(f => f.Id).Take(BatchSize).ExecuteDeleteAsync(cancellationToken));
        return new PruneResult(audit, activity);
    }

    /// <summary>Runs a bounded delete until one removes less than a full batch.</summary>
    private static async Task<int> InBatchesAsync(Func<Task<int>> deleteBatch)
    {
        var total = 0;
        int removed;
        do
        {
            removed = await deleteBatch();
            total += removed;
        }
        while (removed == BatchSize);

        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention removed {AuditRecords} audit records older than {RetentionDays} days and {ActivityRows} activity rows older than {ActivityRetentionDays} days.")]
    private static partial void LogPruned(ILogger logger, int auditRecords, int activityRows, int retentionDays, int activityRetentionDays);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing old audit records and activity failed; the next interval tries again. Further failures are not logged until a run succeeds.")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention runs again, after {Failures} failed runs.")]
    private static partial void LogRecovered(ILogger logger, int failures);
}

/// <summary>What one retention run removed.</summary>
public sealed record PruneResult(int AuditRecords, int ActivityRows);
