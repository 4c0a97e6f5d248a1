using System.Data.Common;
using AuthClients.Web.Connect;
using AuthClients.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Hosting;

/// <summary>
/// Whether this instance has finished preparing the database: schema up to date, server keys and
/// the first administrator in place. Until then <c>/health/ready</c> says not ready and every other
/// request gets 503.
/// </summary>
public sealed class DatabaseReadiness
{
    private volatile bool _prepared;

    public bool IsPrepared => _prepared;

    internal void MarkPrepared() => _prepared = true;
}

internal static partial class DatabaseStartup
{
    /// <summary>The first command-line argument that applies migrations and exits: <c>dotnet AuthClients.Web.dll migrate</c>.</summary>
    public const string MigrateCommand = "migrate";

    public static bool IsMigrateCommand(string[] args) => args is [MigrateCommand, ..];

    /// <summary>
    /// Applies migrations (unless turned off) and creates the server keys and the first
    /// administrator. With <c>Database:MigrateOnStartup=false</c> and migrations pending, the app
    /// starts not ready and finishes this once someone has applied them.
    /// </summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var options = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var db = services.GetRequiredService<AppDbContext>();
        var logger = app.Logger;

        if (options.ParsedProvider == DatabaseProvider.Sqlite)
        {
            var path = new SqliteConnectionStringBuilder(options.ConnectionString).DataSource;
            LogSqlitePath(logger, path);
        }

        if (!options.MigrateOnStartup)
        {
            try
            {
                var pending = await db.Database.PendingMigrationsAsync(cancellationToken);
                if (pending.Count > 0)
                {
                    LogWaitingForMigrations(logger, pending.Count, MigrateCommand);
                    return;
                }
            }
            catch (DbException unreachable)
            {
                // Not allowed to create or change the schema: wait for it (DeferredDatabasePreparation retries).
                LogDatabaseUnavailable(logger, unreachable.Message);
                return;
            }
        }

        await WithStartupLockAsync(db, options.ParsedProvider, async () =>
        {
            if (options.MigrateOnStartup)
            {
                await db.Database.MigrateAsync(cancellationToken);
            }

            await SeedAsync(services, cancellationToken);
        }, cancellationToken);

        if (options.ParsedProvider == DatabaseProvider.Sqlite)
        {
            // Write-ahead logging lets readers go on while one request writes; it is a property
            // of the file, so setting it at every start is cheap and idempotent.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        services.GetRequiredService<DatabaseReadiness>().MarkPrepared();
    }

    /// <summary>The <c>migrate</c> command: applies pending migrations and returns the process exit code, without serving.</summary>
    public static async Task<int> MigrateDatabaseAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var options = scope.ServiceProvider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var logger = app.Logger;
        try
        {
            var pending = await db.Database.PendingMigrationsAsync(cancellationToken);
            if (pending.Count == 0)
            {
                LogUpToDate(logger, options.ParsedProvider);
                return 0;
            }

            var names = string.Join(", ", pending);
            LogApplying(logger, pending.Count, options.ParsedProvider, names);
            await WithStartupLockAsync(db, options.ParsedProvider, () => db.Database.MigrateAsync(cancellationToken), cancellationToken);
            LogApplied(logger, pending.Count);
            return 0;
        }
#pragma warning disable CA1031 // A command-line tool reports any failure in one line and a non-zero exit code.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            LogMigrationFailed(logger, failure.GetType().Name, failure.Message);
            return 1;
        }
    }

    /// <summary>Seeds the database once its schema is current; used at start-up and by <see cref="DeferredDatabasePreparation"/>.</summary>
    internal static async Task<bool> TryFinishPreparationAsync(IServiceProvider root, CancellationToken cancellationToken)
    {
        await using var scope = root.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<AppDbContext>();
        if ((await db.Database.PendingMigrationsAsync(cancellationToken)).Count > 0)
        {
            return false;
        }

        var provider = services.GetRequiredService<IOptions<DatabaseOptions>>().Value.ParsedProvider;
        await WithStartupLockAsync(db, provider, () => SeedAsync(services, cancellationToken), cancellationToken);
        services.GetRequiredService<DatabaseReadiness>().MarkPrepared();
        return true;
    }

    /// <summary>
    /// The migrations not applied yet. EF Core reads its history table and logs an error when the
    /// table does not exist, which on a new database is normal: look for the table first.
    /// </summary>
    internal static async Task<IReadOnlyList<string>> PendingMigrationsAsync(this DatabaseFacade database, CancellationToken cancellationToken)
    {
        if (!await database.GetService<IHistoryRepository>().ExistsAsync(cancellationToken))
        {
            return database.GetMigrations().ToList();
        }

        return (await database.GetPendingMigrationsAsync(cancellationToken)).ToList();
    }

    private static async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<ServerKeyStore>().EnsureKeysAsync(cancellationToken);
        await BootstrapAdministrator.EnsureAsync(services, cancellationToken);
    }

    /// <summary>
    /// Runs start-up work under a lock held in the database server, so that instances starting
    /// together on one database migrate once, create one set of server keys and one first
    /// administrator. SQLite is a single local file used by one instance: no lock needed.
    /// </summary>
    private static async Task WithStartupLockAsync(AppDbContext db, DatabaseProvider provider, Func<Task> work, CancellationToken cancellationToken)
    {
        // The lock lives in the database, which a first start may still have to create.
        if (provider == DatabaseProvider.Sqlite || !await db.GetService<IRelationalDatabaseCreator>().ExistsAsync(cancellationToken))
        {
            await work();
            return;
        }

        var (acquire, release) = provider == DatabaseProvider.PostgreSql
            ? ($"SELECT pg_advisory_lock({StartupLockKey})", $"SELECT pg_advisory_unlock({StartupLockKey})")
            : ("DECLARE @result int; EXEC @result = sp_getapplock @Resource = N'AuthClients.Startup', @LockMode = N'Exclusive', @LockOwner = N'Session', @LockTimeout = 600000; " +
               "IF @result < 0 THROW 50000, N'Timed out waiting for another instance to finish starting.', 1;",
               "EXEC sp_releaseapplock @Resource = N'AuthClients.Startup', @LockOwner = N'Session';");

        // Session locks: the context keeps this one connection open until the work is done.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var timeout = db.Database.GetCommandTimeout();
            db.Database.SetCommandTimeout(LockWait);
            try
            {
                await db.Database.ExecuteSqlRawAsync(acquire, cancellationToken);
            }
            catch
            {
                // Cancelled or timed out, the lock may still have been granted: released here, as the
                // pooled connection is not reset before its next use (DatabaseHosting.WithoutSessionReset).
                await ReleaseQuietlyAsync(db, release);
                throw;
            }

            db.Database.SetCommandTimeout(timeout);
            try
            {
                await work();
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync(release, CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Releases the start-up lock if it was granted: one not held, or a connection lost meanwhile, is not an error here.</summary>
    private static async Task ReleaseQuietlyAsync(AppDbContext db, string release)
    {
        try
        {
            await db.Database.ExecuteSqlRawAsync(release, CancellationToken.None);
        }
        catch (Exception unreleased) when (unreleased is not OutOfMemoryException)
        {
            // The acquire's own failure is what the caller reports.
        }
    }

    /// <summary>"AuthClnt" in ASCII: the PostgreSQL advisory lock key of the start-up work.</summary>
    private const long StartupLockKey = 0x41757468436C6E74;

    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(10);

    [LoggerMessage(Level = LogLevel.Information, Message = "Using the SQLite database at {Path}")]
    private static partial void LogSqlitePath(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} database migration(s) are pending and Database:MigrateOnStartup is false: this instance reports not ready until they are applied (dotnet AuthClients.Web.dll {Command}, or the SQL script).")]
    private static partial void LogWaitingForMigrations(ILogger logger, int count, string command);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database cannot be read and Database:MigrateOnStartup is false: this instance reports not ready until it can. {Message}")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "The {Provider} database is up to date: no migration to apply.")]
    private static partial void LogUpToDate(ILogger logger, DatabaseProvider provider);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} migration(s) to the {Provider} database: {Migrations}")]
    private static partial void LogApplying(ILogger logger, int count, DatabaseProvider provider, string migrations);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied {Count} migration(s): the database is up to date.")]
    private static partial void LogApplied(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Migrating the database failed: {Error}: {Message}")]
    private static partial void LogMigrationFailed(ILogger logger, string error, string message);
}

/// <summary>
/// With <c>Database:MigrateOnStartup=false</c>, watches for the operator to apply the pending
/// migrations, then finishes the start-up preparation so the instance becomes ready without a restart.
/// </summary>
internal sealed partial class DeferredDatabasePreparation(IServiceProvider services, DatabaseReadiness readiness, ILogger<DeferredDatabasePreparation> logger)
    : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!readiness.IsPrepared && !stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(PollInterval, stoppingToken);
            try
            {
                if (await DatabaseStartup.TryFinishPreparationAsync(services, stoppingToken))
                {
                    LogReady(logger);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The database may be down or half-migrated: try again at the next tick.
            catch (Exception failure)
#pragma warning restore CA1031
            {
                LogNotYet(logger, failure.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The database migrations have been applied: this instance is ready.")]
    private static partial void LogReady(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database is not ready yet: {Message}")]
    private static partial void LogNotYet(ILogger logger, string message);
}
