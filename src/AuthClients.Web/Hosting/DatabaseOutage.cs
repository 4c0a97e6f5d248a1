using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.SqlServer.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AuthClients.Web.Hosting;

/// <summary>The <c>OAuthServer:Resilience</c> section: what the server does while its database cannot be reached.</summary>
public sealed class ResilienceOptions
{
    public const string Section = "OAuthServer:Resilience";

    /// <summary>
    /// How long into an outage a client-credentials client this instance read in the last
    /// <see cref="AuthClients.Web.Connect.AuthClientCache.RememberedFor"/> still gets tokens from its
    /// copy (docs/security.md). Zero turns it off: every token request then needs the database.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "OAuthServer:Resilience:ServeDuringOutage must be between {1} (off) and {2}.")]
    public TimeSpan ServeDuringOutage { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How many clients this instance remembers for an outage at most: the most recently read. Each
    /// costs memory for as long as it is remembered (a compact copy of the client and its credentials,
    /// about 1 KB), so a round robin over many clients would otherwise keep every client of the last
    /// <see cref="AuthClients.Web.Connect.AuthClientCache.RememberedFor"/> (docs/performance.md).
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "OAuthServer:Resilience:RememberedClients must be between {1} and {2}.")]
    public int RememberedClients { get; set; } = 10_000;
}

/// <summary>
/// This instance's view of whether its database can be reached. An outage begins when a request or
/// a background job gives up on the database (<see cref="GaveUp"/>, after the execution strategy's
/// retries) and ends with the next command that succeeds (<see cref="DatabaseOutageInterceptor"/>).
/// Each outage is logged once when it begins and once when it ends, however many requests it
/// refuses in between.
/// </summary>
public sealed partial class DatabaseOutage(TimeProvider clock, IOptions<ResilienceOptions> options, ILogger<DatabaseOutage> logger)
{
    /// <summary>What <c>Retry-After</c> says during an outage: a restart or a failover takes seconds.</summary>
    public const int RetryAfterSeconds = 5;

    private readonly Lock _gate = new();
    private DateTimeOffset? _since;
    private int _refused;

    /// <summary>True from the first request that gave up on the database until a command succeeds again.</summary>
    public bool IsOngoing => Volatile.Read(ref _refused) > 0;

    /// <summary>
    /// A request or job could not reach the database: begins the outage (logged) if none is
    /// ongoing. Returns how long the outage has lasted.
    /// </summary>
    public TimeSpan GaveUp(Exception fault)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (_since is null)
            {
                _since = now;
                LogOutageBegan(logger, Describe(fault), RetryAfterSeconds, options.Value.ServeDuringOutage);
            }

            _refused++;
            return now - _since.Value;
        }
    }

    /// <summary>Whether a request this far into an outage may still be answered from a copy kept in memory.</summary>
    public bool MayServeFromCopy(TimeSpan into) => into < options.Value.ServeDuringOutage;

    /// <summary>A command succeeded: ends the outage, if one is ongoing (logged with its length).</summary>
    public void Reached()
    {
        if (!IsOngoing)
        {
            return;
        }

        lock (_gate)
        {
            if (_since is { } since)
            {
                LogOutageEnded(logger, (clock.GetUtcNow() - since).TotalSeconds, _refused);
                _since = null;
                _refused = 0;
            }
        }
    }

    // The message only: the log line is read by operators, and the stack says nothing about an outage.
    private static string Describe(Exception fault) => $"{fault.GetType().Name}: {DatabaseFaults.Innermost(fault).Message}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database cannot be reached ({Cause}). Requests that need it are answered 503 with Retry-After: {RetryAfter} until it is back; client-credentials clients read recently get tokens from this instance's copy for up to {ServeDuringOutage}. Logged once per outage.")]
    private static partial void LogOutageBegan(ILogger logger, string cause, int retryAfter, TimeSpan serveDuringOutage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database can be reached again after {Seconds:0.0} s; {Refused} requests or jobs gave up on it meanwhile.")]
    private static partial void LogOutageEnded(ILogger logger, double seconds, int refused);
}

/// <summary>Which exceptions mean "the database cannot be reached right now", on each provider.</summary>
public static class DatabaseFaults
{
    // SQLITE_BUSY and SQLITE_LOCKED: another connection holds the lock longer than the busy timeout.
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    // SQLITE_IOERR, SQLITE_CANTOPEN: the file or its disk went away.
    private const int SqliteIoError = 10;
    private const int SqliteCantOpen = 14;

    /// <summary>True when <paramref name="exception"/>, or one it wraps, is a fault that goes away by itself: try again later.</summary>
    public static bool IsUnavailable(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is RetryLimitExceededException || IsTransient(current) || current is SqliteException { SqliteErrorCode: SqliteIoError or SqliteCantOpen })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A fault worth trying again at once: the execution strategies retry exactly these.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        NpgsqlException npgsql => npgsql.IsTransient,
#pragma warning disable EF1001 // the detector the SQL Server retrying strategy itself uses
        SqlException sql => SqlServerTransientExceptionDetector.ShouldRetryOn(sql),
#pragma warning restore EF1001
        SqliteException sqlite => sqlite.SqliteErrorCode is SqliteBusy or SqliteLocked,
        _ => false,
    };

    /// <summary>
    /// True when the connection itself is gone (the server restarted, failed over or shut down), not
    /// just the statement: the other pooled connections to that server are gone as well.
    /// </summary>
    public static bool IsConnectionLost(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal),
        NpgsqlException npgsql => npgsql.IsTransient,
        SqlException sql => sql.Class >= 20 || sql.Number is -2 or 233 or 10053 or 10054 or 10060 or 4060,
        _ => false,
    };

    public static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is { } inner)
        {
            exception = inner;
        }

        return exception;
    }
}

/// <summary>
/// Sees every command: one that succeeds ends an outage (<see cref="DatabaseOutage.Reached"/>);
/// one that fails because its connection is gone empties the connection pool, so the retry (and
/// every request after it) opens a new connection instead of taking the next dead one from the
/// pool (after a restart, every idle pooled connection is dead).
/// </summary>
public sealed class DatabaseOutageInterceptor(DatabaseOutage outage) : DbCommandInterceptor
{
    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        outage.Reached();
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        outage.Reached();
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        outage.Reached();
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        outage.Reached();
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        outage.Reached();
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        outage.Reached();
        return ValueTask.FromResult(result);
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => ForgetPoolIfLost(eventData.Connection, eventData.Exception);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ForgetPoolIfLost(eventData.Connection, eventData.Exception);
        return Task.CompletedTask;
    }

    private static void ForgetPoolIfLost(DbConnection? connection, Exception exception)
    {
        if (!DatabaseFaults.IsConnectionLost(exception))
        {
            return;
        }

        switch (connection)
        {
            case NpgsqlConnection npgsql:
                NpgsqlConnection.ClearPool(npgsql);
                break;
            case SqlConnection sql:
                SqlConnection.ClearPool(sql);
                break;
        }
    }
}

/// <summary>
/// How each provider retries: EF Core's retrying strategies (Npgsql, SQL Server) and the same for
/// SQLite's busy and locked errors, with few, short retries: their job is a stale pooled connection
/// or a lock held a moment too long, not waiting out an outage while the caller waits. Once an outage
/// is ongoing a request tries once more at once (its first attempt may have met a connection that
/// died with the server) and then gives up, so callers hear 503 at once instead of after the delays.
/// </summary>
public static class DatabaseRetries
{
    /// <summary>At most this many retries of one unit of work; the first at once, then after about 1 s each.</summary>
    public const int MaxRetryCount = 3;

    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The delay before the next retry, or null to give up: one immediate retry only while an outage is ongoing.</summary>
    internal static TimeSpan? Limit(TimeSpan? next, int failures, DatabaseOutage outage) =>
        outage.IsOngoing && failures > 1 ? null : next;
}

/// <summary>Npgsql's retrying strategy, with <see cref="DatabaseRetries"/>' limits.</summary>
public sealed class PostgreSqlRetries(ExecutionStrategyDependencies dependencies, DatabaseOutage outage)
    : Npgsql.EntityFrameworkCore.PostgreSQL.NpgsqlRetryingExecutionStrategy(dependencies, DatabaseRetries.MaxRetryCount, DatabaseRetries.MaxRetryDelay, errorCodesToAdd: null)
{
    protected override TimeSpan? GetNextDelay(Exception lastException) =>
        DatabaseRetries.Limit(base.GetNextDelay(lastException), ExceptionsEncountered.Count, outage);
}

/// <summary>SQL Server's retrying strategy, with <see cref="DatabaseRetries"/>' limits.</summary>
public sealed class SqlServerRetries(ExecutionStrategyDependencies dependencies, DatabaseOutage outage)
    : SqlServerRetryingExecutionStrategy(dependencies, DatabaseRetries.MaxRetryCount, DatabaseRetries.MaxRetryDelay, errorNumbersToAdd: null)
{
    protected override TimeSpan? GetNextDelay(Exception lastException) =>
        DatabaseRetries.Limit(base.GetNextDelay(lastException), ExceptionsEncountered.Count, outage);
}

/// <summary>
/// SQLite has no retrying strategy of its own. Microsoft.Data.Sqlite waits out a lock for the command
/// timeout, but a write transaction that meets a newer snapshot is refused at once with SQLITE_BUSY,
/// which no waiting fixes: the whole unit of work must run again.
/// </summary>
public sealed class SqliteRetries(ExecutionStrategyDependencies dependencies, DatabaseOutage outage)
    : ExecutionStrategy(dependencies, DatabaseRetries.MaxRetryCount, DatabaseRetries.MaxRetryDelay)
{
    protected override bool ShouldRetryOn(Exception exception) => DatabaseFaults.IsTransient(exception);

    protected override TimeSpan? GetNextDelay(Exception lastException) =>
        DatabaseRetries.Limit(base.GetNextDelay(lastException), ExceptionsEncountered.Count, outage);
}
