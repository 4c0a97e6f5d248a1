using AuthClients.Web.Hosting;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Activity;
using AuthClients.Web.Features.AuthClients;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Connect;

/// <summary>
/// Writes what <see cref="ClientUsage"/> (last use) and <see cref="ClientActivity"/> (tokens and
/// failures per client) gathered: every <c>AuthClients:Credentials:LastUsedFlushInterval</c> and once
/// more when the app stops, in one short transaction. Last use is one conditional update per client and
/// per credential (sent many to a command) that only ever moves <c>LastUsedAt</c> forward, so when several instances flush,
/// the latest use wins whatever the order of their flushes; counts are added to their hour's rows
/// (<see cref="ClientActivityWriter"/>). A batch that cannot be written (the database is down) goes
/// back to memory for the next flush; that is logged once, not per flush. The timer runs while
/// either is on; a flush also comes early when the token counts fill up (<see cref="ClientActivity.Filling"/>).
/// </summary>
public sealed partial class ClientUsageFlush(
    ClientUsage usage,
    ClientActivity activity,
    IServiceScopeFactory scopes,
    IOptions<CredentialOptions> options,
    IOptions<ActivityOptions> activityOptions,
    TimeProvider clock,
    ILogger<ClientUsageFlush> logger) : PeriodicBackgroundService(clock), IHostedLifecycleService
{
    // One flush at a time: the timer's, the one at stop, and a test's.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _failedFlushes;

    private bool Enabled => usage.Enabled || activity.Enabled;

    protected override TimeSpan Period => options.Value.LastUsedFlushInterval;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        try
        {
            var tick = Timer.WaitForNextTickAsync(stoppingToken).AsTask();
            var mayFlushEarly = true;
            while (true)
            {
                // Early when the token counts fill up (ClientActivity.Filling), but not again after a
                // flush the database refused: that batch waits for the timer, as it always did.
                var woke = mayFlushEarly ? await Task.WhenAny(tick, activity.Filling) : tick;
                if (woke == tick)
                {
                    if (!await tick)
                    {
                        break;
                    }

                    tick = Timer.WaitForNextTickAsync(stoppingToken).AsTask();
                }

                mayFlushEarly = await FlushAsync(stoppingToken);
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
            await WriteLastUsedAsync<AuthClientApplication>(db, clients, ct);
            await WriteLastUsedAsync<AuthClientCredential>(db, credentials, ct);

            await ClientActivityWriter.WriteAsync(db, counted, activityOptions.Value.FailuresKept, ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
    }

    /// <summary>Rows per command of <see cref="WriteLastUsedAsync"/>: 3 parameters each, well under every provider's limit (SQL Server's 2,100).</summary>
    private const int LastUsedRowsPerCommand = 200;

    /// <summary>
    /// Conditional updates (only ever forward), <see cref="LastUsedRowsPerCommand"/> rows to a command,
    /// with table and column names from the model, quoted by the provider. Written as SQL because a
    /// flush after a round robin over many clients has thousands of rows, and each EF Core
    /// <c>ExecuteUpdate</c> went through its query pipeline: about 5% of a token's CPU at the steady
    /// state of a round robin over 100,000 clients (docs/performance.md, "Issue 16, third look").
    /// SQLite and PostgreSQL get one <c>WITH v AS (...) UPDATE ... FROM v</c> per command, parsed once, its rows
    /// in <c>VALUES</c> on PostgreSQL and in one JSON parameter on SQLite (<see cref="SqliteJsonRowsCommand"/>);
    /// SQL Server, whose <c>UPDATE ... FROM</c> differs, one statement per row.
    /// </summary>
    private static async Task WriteLastUsedAsync<TEntity>(AppDbContext db, IReadOnlyDictionary<string, ClientUsage.Use> uses, CancellationToken cancellationToken)
    {
        if (uses.Count == 0)
        {
            return;
        }

        var names = QuotedNames.Of<TEntity>(db);
        var (tableName, id, at, from) = (names.Table, names.Column(nameof(AuthClientCredential.Id)), names.Column(nameof(AuthClientCredential.LastUsedAt)), names.Column(nameof(AuthClientCredential.LastUsedFrom)));

        // {0} the row's id, {1} the time, {2} the address (NULL when unknown).
        const string rowsNamed = "WITH v (used_id, used_at, used_from) AS (";
        var update = $") UPDATE {tableName} SET {at} = v.used_at, {from} = v.used_from FROM v WHERE {tableName}.{id} = v.used_id AND ({tableName}.{at} IS NULL OR {tableName}.{at} < v.used_at);";
        IRowsCommand statement = db.Database.IsSqlServer()
            ? new RowsCommand("",
                $"UPDATE {tableName} SET {at} = {{1}}, {from} = {{2}} WHERE {id} = {{0}} AND ({at} IS NULL OR {at} < {{1}});\n", "", "")
            : db.Database.IsSqlite()
                ? new SqliteJsonRowsCommand(rowsNamed, 3, update)
                : new RowsCommand(rowsNamed + "VALUES ", "({0}, {1}, {2})", ", ", update);

        foreach (var rows in uses.OrderBy(u => u.Key, StringComparer.Ordinal).Chunk(LastUsedRowsPerCommand))
        {
            var (text, parameters) = statement.For(rows, row => [row.Key, row.Value.At, row.Value.From]);
            await db.Database.ExecuteSqlRawAsync(text, parameters, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing the last-used times of {Clients} clients and {Credentials} credentials, {Counts} activity counts and {Failures} failed authentications failed; they are kept in memory and written by a later flush. Further failures are not logged until one succeeds.")]
    private static partial void LogFlushFailed(ILogger logger, int clients, int credentials, int counts, int failures, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Last-used times and activity written again, after {Failures} failed flushes.")]
    private static partial void LogFlushRecovered(ILogger logger, int failures);

    [LoggerMessage(Level = LogLevel.Error, Message = "The app stopped with {Count} last-used times and {Activity} activity counts and failures it could not write; the clients' Last used figures miss them until their next use, their Activity tabs for good.")]
    private static partial void LogLostOnStop(ILogger logger, int count, int activity);
}
