using AuthClients.Web.Data;
using AuthClients.Web.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AuthClients.Tests.Shared;

/// <summary>
/// A new, empty database for one test app, on the provider the suite runs against:
/// <c>AUTHCLIENTS_TEST_PROVIDER</c> = <c>Sqlite</c> (default, a temporary file) or <c>PostgreSql</c>
/// (a database created on the server given by <c>AUTHCLIENTS_TEST_POSTGRES</c>). Disposing it
/// deletes the file or drops the database.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    public const string ProviderVariable = "AUTHCLIENTS_TEST_PROVIDER";
    public const string PostgresVariable = "AUTHCLIENTS_TEST_POSTGRES";
    public const string Sqlite = "Sqlite";
    public const string PostgreSql = "PostgreSql";

    private readonly string? _server;
    private bool _disposed;

    private TestDatabase(string provider, string name, string connectionString, string? server = null)
    {
        Provider = provider;
        Name = name;
        ConnectionString = connectionString;
        _server = server;
    }

    /// <summary>The suite's provider: the value for <c>Database:Provider</c>.</summary>
    public static string SuiteProvider { get; } = ReadSuiteProvider();

    public static bool SuiteUsesPostgreSql => SuiteProvider == PostgreSql;

    /// <summary>The value for <c>Database:Provider</c>.</summary>
    public string Provider { get; }

    /// <summary>The SQLite file path, or the PostgreSQL database name.</summary>
    public string Name { get; }

    /// <summary>The value for <c>ConnectionStrings:Default</c>.</summary>
    public string ConnectionString { get; }

    public bool IsPostgreSql => Provider == PostgreSql;

    /// <summary>A new database on the suite's provider.</summary>
    public static TestDatabase Create() => SuiteUsesPostgreSql ? CreatePostgreSql() : CreateSqlite();

    public static TestDatabase CreateSqlite()
    {
        var path = Path.Combine(Path.GetTempPath(), $"authclients-tests-{Guid.NewGuid():N}.db");
        return new TestDatabase(Sqlite, path, $"Data Source={path}");
    }

    /// <summary>
    /// A new PostgreSQL database, whatever the suite's provider (tests that need a server use it):
    /// on the suite's server, or on <paramref name="server"/> (a maintenance connection string, e.g. an <see cref="OwnPostgresServer"/>'s).
    /// </summary>
    public static TestDatabase CreatePostgreSql(string? server = null)
    {
        server ??= PostgresServer();
        var name = $"authclients_test_{Guid.NewGuid():N}";
        using (var connection = new NpgsqlConnection(server))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            command.ExecuteNonQuery();
        }

        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        return new TestDatabase(PostgreSql, name, builder.ConnectionString, server);
    }

    /// <summary>The maintenance connection string of the test server, or a failure that says how to get one.</summary>
    public static string PostgresServer() =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } server
            ? server
            : throw new InvalidOperationException(
                $"{PostgresVariable} is not set: these tests need a PostgreSQL server. Run build/test.sh, which starts a throwaway " +
                $"cluster, or set {PostgresVariable}=\"Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres\".");

    /// <summary>
    /// A context straight on this database, outside any app, e.g. to look at what the app stored. It
    /// gets Identity's schema options as the app's contexts do: EF Core caches a context type's model,
    /// and one built without them (no passkeys) would be what every later context of the type sees.
    /// </summary>
    public AppDbContext OpenContext() => IsPostgreSql
        ? new PostgreSqlAppDbContext(new DbContextOptionsBuilder<PostgreSqlAppDbContext>().UseNpgsql(ConnectionString).UseApplicationServiceProvider(IdentityHosting.SchemaServices).Options)
        : new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite(ConnectionString).UseApplicationServiceProvider(IdentityHosting.SchemaServices).Options);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ReleaseConnections();
        if (IsPostgreSql)
        {
            using var connection = new NpgsqlConnection(_server ?? PostgresServer());
            connection.Open();
            using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
            command.ExecuteNonQuery();
        }
        else
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(Name + suffix);
            }
        }
    }

    /// <summary>PostgreSQL: how many rows, in all the tables, contain <paramref name="text"/> in any column.</summary>
    public async Task<int> CountRowsContainingAsync(string text)
    {
        if (!IsPostgreSql)
        {
            throw new InvalidOperationException("On SQLite, read the database file itself.");
        }

        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var count = 0L;
        foreach (var table in tables)
        {
            // A row cast to text holds every column of it.
            await using var search = new NpgsqlCommand($"SELECT count(*) FROM \"{table}\" AS t WHERE strpos(t::text, @text) > 0", connection);
            search.Parameters.AddWithValue("text", text);
            count += (long)(await search.ExecuteScalarAsync())!;
        }

        return (int)count;
    }

    /// <summary>Closes the pooled connections to this database, so the next app on it starts from what was written.</summary>
    public void ReleaseConnections()
    {
        if (IsPostgreSql)
        {
            // The app's pool is keyed by the connection string it uses, which DatabaseHosting rewrites; the configured one's too, for the tests' own connections.
            foreach (var connectionString in new[] { ConnectionString, DatabaseHosting.WithoutSessionReset(ConnectionString, baseline: false) })
            {
                using var pooled = new NpgsqlConnection(connectionString);
                NpgsqlConnection.ClearPool(pooled);
            }
        }
        else
        {
            SqliteConnection.ClearAllPools();
        }
    }

    private static string ReadSuiteProvider()
    {
        var value = Environment.GetEnvironmentVariable(ProviderVariable);
        if (string.IsNullOrWhiteSpace(value) || value.Equals(Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            return Sqlite;
        }

        return value.Equals(PostgreSql, StringComparison.OrdinalIgnoreCase)
            ? PostgreSql
            : throw new InvalidOperationException($"{ProviderVariable}='{value}' is not supported: use {Sqlite} or {PostgreSql}.");
    }
}
