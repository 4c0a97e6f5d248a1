using System.Data.Common;
using AuthClients.Tests.Shared;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AuthClients.Bench;

/// <summary>One database an app of the bench runs on: a SQLite file, or a database on the bench's own PostgreSQL server.</summary>
internal sealed record BenchDatabase(string Provider, string ConnectionString)
{
    public const string Sqlite = "Sqlite";
    public const string PostgreSql = "PostgreSql";

    public bool IsPostgreSql => Provider == PostgreSql;

    /// <summary>As the report names the provider.</summary>
    public string Label => LabelOf(Provider);

    /// <summary>The app's settings that point it at this database.</summary>
    public IReadOnlyDictionary<string, string?> AppSettings => new Dictionary<string, string?>
    {
        ["Database:Provider"] = Provider,
        ["ConnectionStrings:Default"] = ConnectionString,
    };

    public static string LabelOf(string provider) => provider == PostgreSql ? "PostgreSQL" : "SQLite";

    /// <summary>An open connection of the bench's own (not pooled for SQLite, so the file can be deleted).</summary>
    public async Task<DbConnection> OpenAsync()
    {
        DbConnection connection = IsPostgreSql
            ? new NpgsqlConnection(ConnectionString)
            : new SqliteConnection(ConnectionString + ";Pooling=False");
        await connection.OpenAsync();
        return connection;
    }

    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 600;
        return await command.ExecuteScalarAsync();
    }
}

/// <summary>
/// Where a provider's databases live: SQLite files in the work folder, or a PostgreSQL server of the
/// bench's own (<see cref="OwnPostgresServer"/>, the tests' helper: a new cluster in a temporary
/// folder, reachable on its Unix socket only), stopped and deleted when this is disposed, and also
/// when the driver exits any other way (its time limit, Ctrl+C, SIGTERM from run.sh's timeout).
/// </summary>
internal sealed class BenchDatabases : IAsyncDisposable
{
    private readonly string _work;
    private readonly OwnPostgresServer? _server;
    private int _stopped;

    private BenchDatabases(string provider, string work, OwnPostgresServer? server)
    {
        Provider = provider;
        _work = work;
        _server = server;
        if (server is not null)
        {
            AppDomain.CurrentDomain.ProcessExit += StopOnExit;
        }
    }

    public string Provider { get; }

    public string Label => BenchDatabase.LabelOf(Provider);

    public static async Task<BenchDatabases> StartAsync(string provider, string work)
    {
        if (provider != BenchDatabase.PostgreSql)
        {
            return new BenchDatabases(provider, work, null);
        }

        Console.Error.WriteLine("[postgresql] starting a server of the bench's own");
        return new BenchDatabases(provider, work, await OwnPostgresServer.StartAsync());
    }

    /// <summary>A new, empty database named <paramref name="name"/>: the app creates its tables on first start.</summary>
    public async Task<BenchDatabase> CreateAsync(string name)
    {
        if (_server is null)
        {
            return new BenchDatabase(BenchDatabase.Sqlite, $"Data Source={Path.Combine(_work, $"{name}.db")}");
        }

        await new BenchDatabase(BenchDatabase.PostgreSql, _server.ConnectionString).ScalarAsync($"CREATE DATABASE \"{name}\"");
        return new BenchDatabase(BenchDatabase.PostgreSql, new NpgsqlConnectionStringBuilder(_server.ConnectionString) { Database = name }.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null && Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit -= StopOnExit;
            await _server.DisposeAsync();
        }
    }

    private void StopOnExit(object? sender, EventArgs e)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            _server!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
