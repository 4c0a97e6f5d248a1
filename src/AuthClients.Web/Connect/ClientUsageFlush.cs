using AuthClients.Web.Data;
using AuthClients.Web.Features.Activity;
using AuthClients.Web.Features.AuthClients;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Connect;

/// <summary>
/// Writes what <see cref="ClientUsage"/> (last use) and <see cref="ClientActivity"/> (tokens and
/// failures per client) gathered: every <c>AuthClients:Credentials:LastUsedFlushInterval</c> and once
/// more when the app stops, in one short transaction. Last use is one set-based update per client and
/// per credential that only ever moves <c>LastUsedAt</c> forward, so when several instances flush,
/// the latest use wins whatever the order of their flushes; counts are added to their hour's rows
/// (<see cref="ClientActivityWriter"/>). A batch that cannot be written (the database is down) goes
/// back to memory for the next flush; that is logged once, not per flush. The timer runs while
/// either is on.
/// </summary>
public sealed partial class ClientUsageFlush(
    ClientUsage usage,
    ClientActivity activity,
    IServiceScopeFactory scopes,
    IOptions<CredentialOptions> options,
    IOptions<ActivityOptions> activityOptions,
    TimeProvider clock,
    ILogger<ClientUsageFlush> logger) : BackgroundService, IHostedLifecycleService
{
    // One flush at a time: the timer's, the one at stop, and a test's.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _failedFlushes;

    private bool Enabled => usage.Enabled || activity.Enabled;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.LastUsedFlushInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StoppedAsync writes what is left.
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Once every hosted service has stopped, the web server too (so no request can record a use
    /// after it), and with it this one's timer: writes what is left.
    /// </summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }

        bool written;
        try
        {
            written = await FlushAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            written = false; // the host's shutdown timeout ran out
        }

        if (!written)
        {
            LogLostOnStop(logger, usage.PendingCount, activity.PendingCount);
        }
    }

    /// <summary>Writes the uses and the activity gathered so far; false (and the batch back in memory) when the database refused.</summary>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var (clients, credentials) = usage.TakeBatch();
            var counted = activity.TakeBatch();
            if (clients.Count == 0 && credentials.Count == 0 && counted.IsEmpty)
            {
                return true;
            }

            try
            {
                await WriteAsync(clients, credentials, counted, cancellationToken);
            }
            catch (Exception exception)
            {
                usage.Return(clients, credentials);
                activity.Return(counted);
                if (exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                if (_failedFlushes++ == 0)
                {
                    LogFlushFailed(logger, clients.Count, credentials.Count, counted.Tokens.Count + counted.FailureCounts.Count, counted.Failures.Count, exception);
                }

                return false;
            }

            if (_failedFlushes > 0)
            {
                LogFlushRecovered(logger, _failedFlushes);
                _failedFlushes = 0;
            }

            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task WriteAsync(
        IReadOnlyDictionary<string, ClientUsage.Use> clients,
        IReadOnlyDictionary<string, ClientUsage.Use> credentials,
        ClientActivity.Batch counted,
        CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);

            // Rows in one order (clients, then credentials, each by Id) on every instance, so two
            // instances flushing at once wait for each other instead of deadlocking.
            foreach (var (id, use) in clients.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                var (at, from) = (use.At, use.From);
                await db.AuthClients
                    .Where(a => a.Id == id && (a.LastUsedAt == null || a.LastUsedAt < at))
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.LastUsedAt, at).SetProperty(a => a.LastUsedFrom, from), ct);
            }

            foreach (var (id, use) in credentials.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                var (at, from) = (use.At, use.From);
                await db.AuthClientCredentials
                    .Where(c => c.Id == id && (c.LastUsedAt == null || c.LastUsedAt < at))
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastUsedAt, at).SetProperty(c => c.LastUsedFrom, from), ct);
            }

            await ClientActivityWriter.WriteAsync(db, counted, activityOptions.Value.FailuresKept, ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing the last-used times of {Clients} clients and {Credentials} credentials, {Counts} activity counts and {Failures} failed authentications failed; they are kept in memory and written by a later flush. Further failures are not logged until one succeeds.")]
    private static partial void LogFlushFailed(ILogger logger, int clients, int credentials, int counts, int failures, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Last-used times and activity written again, after {Failures} failed flushes.")]
    private static partial void LogFlushRecovered(ILogger logger, int failures);

    [LoggerMessage(Level = LogLevel.Error, Message = "The app stopped with {Count} last-used times and {Activity} activity counts and failures it could not write; the clients' Last used figures miss them until their next use, their Activity tabs for good.")]
    private static partial void LogLostOnStop(ILogger logger, int count, int activity);
}
