using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using AuthClients.Web.Authorization;
using AuthClients.Web.Connect;
using AuthClients.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Hosting;

public enum DatabaseProvider { Sqlite, SqlServer, PostgreSql }

/// <summary>The <c>Database</c> section, plus <c>ConnectionStrings:Default</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>Sqlite</c> (default), <c>SqlServer</c> or <c>PostgreSql</c>.</summary>
    public string Provider { get; set; } = nameof(DatabaseProvider.Sqlite);

    /// <summary>Apply pending migrations when the app starts. Operators who migrate by hand set it to false.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>From <c>ConnectionStrings:Default</c>, not from this section.</summary>
    [Required(ErrorMessage = "ConnectionStrings:Default is missing: set the database connection string.")]
    public string? ConnectionString { get; internal set; }

    /// <summary>The provider, by name in any case; anything else stops the app with a message naming the setting.</summary>
    public DatabaseProvider ParsedProvider
    {
        get
        {
            foreach (var provider in Enum.GetValues<DatabaseProvider>())
            {
                if (string.Equals(provider.ToString(), Provider?.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    return provider;
                }
            }

            throw new OptionsValidationException(Section, typeof(DatabaseOptions),
                [$"Database:Provider '{Provider}' is not supported: use Sqlite, SqlServer or PostgreSql."]);
        }
    }
}

public static class DatabaseHosting
{
    public static IServiceCollection AddAppDatabase(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        // The provider decides which services to register, so it is read and checked here,
        // before the container is built: a bad setting stops the app with a message naming it.
        var options = services.AddStartupOptions<DatabaseOptions>(configuration, DatabaseOptions.Section,
            read => read.ConnectionString = configuration.GetConnectionString("Default"));

        var connectionString = options.ConnectionString!;
        EnsureReadable(connectionString, options.ParsedProvider);

        // Pooled: every request (a token request too, though it runs no query) resolves OpenIddict's
        // and Identity's stores, which take the context; building options and a context per request
        // is a measurable share of a token request's cost (docs/performance.md). The contexts hold no state of
        // their own beyond what EF Core resets when a context goes back to the pool.
        // Each provider retries transient faults (DatabaseRetries), so every unit of work that opens
        // its own transaction runs inside db.Database.CreateExecutionStrategy() and is repeated whole.
        services.AddStartupOptions<ResilienceOptions>(configuration, ResilienceOptions.Section);
        services.AddSingleton<DatabaseOutage>();
        services.AddSingleton<DatabaseOutageInterceptor>();
        services.AddSingleton<AccessChanges>();
        services.AddSingleton<AccessChangeInterceptor>();
        switch (options.ParsedProvider)
        {
            case DatabaseProvider.Sqlite:
                connectionString = ResolveSqlitePath(connectionString, environment.ContentRootPath);
                services.AddSingleton<SqliteWriteQueue>();
                services.AddSingleton(_ => new SqliteKeptStatements(connectionString));
                services.AddDbContextPool<SqliteAppDbContext>((sp, o) => o
                    .UseSqlite(connectionString, sqlite => sqlite.ExecutionStrategy(d => new SqliteRetries(d, sp.GetRequiredService<DatabaseOutage>())))
                    .UseOutageHandling(sp)
                    .UseSqliteWriteSettings(sp)
                    .UseKeptGrantStatements(sp, connectionString));
                services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<SqliteAppDbContext>());
                break;
            case DatabaseProvider.SqlServer:
                services.AddDbContextPool<SqlServerAppDbContext>((sp, o) => o
                    .UseSqlServer(connectionString, sql => sql.ExecutionStrategy(d => new SqlServerRetries(d, sp.GetRequiredService<DatabaseOutage>())))
                    .UseOutageHandling(sp));
                services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<SqlServerAppDbContext>());
                break;
            case DatabaseProvider.PostgreSql:
                connectionString = WithoutSessionReset(connectionString, configuration.GetValue<bool>($"{TokenPerformanceOptions.Section}:{nameof(TokenPerformanceOptions.Baseline)}"));
                services.AddDbContextPool<PostgreSqlAppDbContext>((sp, o) => o
                    .UseNpgsql(connectionString, npgsql => npgsql.ExecutionStrategy(d => new PostgreSqlRetries(d, sp.GetRequiredService<DatabaseOutage>())))
                    .UseOutageHandling(sp)
                    .UsePreparedGrantStatements(sp));
                services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<PostgreSqlAppDbContext>());
                break;
        }

        // The registered instance: DatabaseStartup opens the resolved SQLite path, not the configured one.
        options.ConnectionString = connectionString;
        services.AddSingleton<DatabaseReadiness>();
        services.AddHostedService<DeferredDatabasePreparation>();
        return services;
    }

    /// <summary>
    /// What every provider shares: <see cref="DatabaseOutageInterceptor"/>, <see cref="AccessChangeInterceptor"/>, and EF Core's own Error
    /// lines for a failed command, connection, query or save turned down to Debug. They repeat, once
    /// per attempt, what is logged once by whoever handles the failure: the exception handler for a
    /// request (an outage once, by <see cref="DatabaseOutage"/>), each background job for itself.
    /// </summary>
    private static DbContextOptionsBuilder UseOutageHandling(this DbContextOptionsBuilder options, IServiceProvider services) => options
        .AddInterceptors(services.GetRequiredService<DatabaseOutageInterceptor>(), services.GetRequiredService<AccessChangeInterceptor>())
        .ConfigureWarnings(warnings => warnings.Log(
            (RelationalEventId.CommandError, LogLevel.Debug),
            (RelationalEventId.ConnectionError, LogLevel.Debug),
            (RelationalEventId.TransactionError, LogLevel.Debug),
            (CoreEventId.QueryIterationFailed, LogLevel.Debug),
            (CoreEventId.SaveChangesFailed, LogLevel.Debug)));

    private static DbContextOptionsBuilder UsePreparedGrantStatements(this DbContextOptionsBuilder options, IServiceProvider services) =>
        services.GetRequiredService<IOptions<TokenPerformanceOptions>>().Value.EffectivePrepareGrantStatements
            ? options.AddInterceptors(new PreparedGrantStatements())
            : options;

    /// <summary>SQLite: the grant statements kept compiled (<see cref="SqliteKeptStatements"/>), on a file database.</summary>
    private static DbContextOptionsBuilder UseKeptGrantStatements(this DbContextOptionsBuilder options, IServiceProvider services, string connectionString) =>
        services.GetRequiredService<IOptions<TokenPerformanceOptions>>().Value.EffectivePrepareGrantStatements && !IsInMemory(new SqliteConnectionStringBuilder(connectionString))
            ? options.AddInterceptors(services.GetRequiredService<SqliteKeptStatements>())
            : options;

    private static bool IsInMemory(SqliteConnectionStringBuilder sqlite) => sqlite.DataSource is ":memory:" or "" || sqlite.Mode == SqliteOpenMode.Memory;

    /// <summary>
    /// How this process writes to SQLite (<see cref="SqliteWriteQueue"/>, <see cref="SqliteSynchronousSetting"/>),
    /// from <c>OAuthServer:Performance</c>: the token endpoint is what writes most.
    /// </summary>
    private static DbContextOptionsBuilder UseSqliteWriteSettings(this DbContextOptionsBuilder options, IServiceProvider services)
    {
        var performance = services.GetRequiredService<IOptions<TokenPerformanceOptions>>().Value;
        if (performance.EffectiveSerializeSqliteWrites)
        {
            options.AddInterceptors(services.GetRequiredService<SqliteWriteQueue>());
        }

        return performance.EffectiveSqliteSynchronous == SqliteSynchronous.Full
            ? options
            : options.AddInterceptors(new SqliteSynchronousSetting(performance.EffectiveSqliteSynchronous));
    }

    /// <summary>
    /// PostgreSQL: pooled connections are handed on without resetting their session
    /// (Npgsql's <c>No Reset On Close</c>), unless the connection string says otherwise or in the
    /// baseline. Npgsql otherwise sends, with the first command after every open, <c>DISCARD ALL</c>
    /// (or, on a connection holding prepared statements, seven statements that keep them), and EF
    /// Core opens a connection for each query it runs outside a transaction: a refresh grant paid
    /// for two resets, a client read on a cache miss for one. The app leaves no session state to
    /// reset: it sets no parameters (<c>SET</c>), makes no temporary tables, cursors or <c>LISTEN</c>s,
    /// and releases the start-up's advisory lock itself; Npgsql still rolls back a transaction left
    /// open before the connection goes back to the pool.
    /// </summary>
    public static string WithoutSessionReset(string connectionString, bool baseline)
    {
        var named = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Any(key => key.Replace(" ", "", StringComparison.Ordinal).Equals(nameof(Npgsql.NpgsqlConnectionStringBuilder.NoResetOnClose), StringComparison.OrdinalIgnoreCase));
        return named || baseline
            ? connectionString
            : new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString;
    }

    /// <summary>
    /// A connection string the provider cannot read (typically another provider's, with
    /// Database:Provider left at its default) stops the app here, naming both settings.
    /// </summary>
    private static void EnsureReadable(string connectionString, DatabaseProvider provider)
    {
        try
        {
            DbConnectionStringBuilder parsed = provider switch
            {
                DatabaseProvider.SqlServer => new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(connectionString),
                DatabaseProvider.PostgreSql => new Npgsql.NpgsqlConnectionStringBuilder(connectionString),
                _ => new SqliteConnectionStringBuilder(connectionString),
            };
        }
        catch (Exception unreadable) when (unreadable is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new OptionsValidationException(DatabaseOptions.Section, typeof(DatabaseOptions),
                [$"ConnectionStrings:Default is not a {provider} connection string ({unreadable.Message}): set Database:Provider to the database it points to (Sqlite, SqlServer or PostgreSql)."]);
        }
    }

    /// <summary>
    /// Makes a relative SQLite file path relative to the app's content root (not the shell's
    /// current folder) and creates its folder, so the first run needs no set-up.
    /// </summary>
    private static string ResolveSqlitePath(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (!IsInMemory(builder))
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
            Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        }

        return builder.ToString();
    }
}
