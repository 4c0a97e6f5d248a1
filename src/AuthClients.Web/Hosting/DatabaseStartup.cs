using AuthClients.Web.Connect;
using AuthClients.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Hosting;

internal static partial class DatabaseStartup
{
    /// <summary>Applies migrations (unless turned off) and creates the first administrator.</summary>
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

        if (options.MigrateOnStartup)
        {
            await db.Database.MigrateAsync(cancellationToken);
        }

        if (options.ParsedProvider == DatabaseProvider.Sqlite)
        {
            // Write-ahead logging lets readers go on while one request writes; it is a property
            // of the file, so setting it at every start is cheap and idempotent.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        await services.GetRequiredService<ServerKeyStore>().EnsureKeysAsync(cancellationToken);
        await BootstrapAdministrator.EnsureAsync(services, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Using the SQLite database at {Path}")]
    private static partial void LogSqlitePath(ILogger logger, string path);
}
