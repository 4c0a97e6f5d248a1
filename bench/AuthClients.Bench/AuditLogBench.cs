using System.Diagnostics;
using System.Globalization;
using AuthClients.Tests.Shared;
using Microsoft.Data.Sqlite;
using Npgsql;
using static AuthClients.Bench.Figures;

namespace AuthClients.Bench;

/// <summary>
/// <c>--audit-log</c>: the Audit Log page at 1,000,000 audit records (issue 14). The app makes its
/// database (a SQLite file, or with <c>--postgres</c> a new database on that server, dropped at the
/// end) and stops; one set-based INSERT (a recursive CTE on SQLite, <c>generate_series</c> on
/// PostgreSQL) writes a year of events with a
/// realistic mix (50 administrators and a few clients acting, anonymous failed sign-ins; sign-ins
/// most common, then client changes and secret copies; 10,000 clients, 500 users and 50 groups as
/// targets), then ANALYZE; the app starts again and a signed-in administrator reads filtered pages
/// over HTTP, 100 timed requests each after 10 of warm-up. Target: p95 &lt;= 50 ms for each.
/// </summary>
internal static class AuditLogBench
{
    public delegate Task<AppProcess> Start(string database, string logPath, IReadOnlyDictionary<string, string?> settings);

    public const int Records = 1_000_000;

    // The seeded year starts here; the filters below name its days.
    private const string Start2026 = "2026-01-01 00:00:00";

    /// <param name="postgres">A PostgreSQL server's connection string: the run makes its own database there, and drops it at the end; null: SQLite.</param>
    public static async Task MeasureAsync(string work, Report report, Start start, TimeSpan pollInterval, string? postgres)
    {
        var database = Path.Combine(work, "audit.db");
        var log = Path.Combine(work, "audit.log");
        var provider = postgres is null ? "SQLite" : "PostgreSQL";
        var benchDatabase = $"authclients_bench_audit_{Guid.NewGuid():N}";
        var connectionString = postgres is null ? null : new NpgsqlConnectionStringBuilder(postgres) { Database = benchDatabase }.ConnectionString;
        var settings = connectionString is null
            ? new Dictionary<string, string?>()
            : new Dictionary<string, string?> { ["Database:Provider"] = "PostgreSql", ["ConnectionStrings:Default"] = connectionString };
        try
        {
            if (postgres is not null)
            {
                await ExecuteAsync(postgres, $"CREATE DATABASE \"{benchDatabase}\"");
            }

            await using (var first = await start(database, log, settings))
            {
                await first.WaitUntilAsync(async http => (await http.GetAsync(".well-known/openid-configuration")).IsSuccessStatusCode, TimeSpan.FromMinutes(2), pollInterval);
            }

            Console.Error.WriteLine($"[audit-log] seeding {Records:N0} audit records ({provider})");
            var seeding = Stopwatch.StartNew();
            await (connectionString is null ? SeedSqliteAsync(database) : SeedPostgreSqlAsync(connectionString));
            report.Note($"Audit Log on {provider}: {Records:N0} records seeded in {seeding.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s (one set-based INSERT, then ANALYZE; VACUUM ANALYZE on PostgreSQL).");

            await using var app = await start(database, log, settings);
            await app.WaitUntilAsync(async http => (await http.GetAsync(".well-known/openid-configuration")).IsSuccessStatusCode, TimeSpan.FromMinutes(1), pollInterval);
            using var admin = await AdminPages.SignInAsync(app.BaseAddress);
            foreach (var (label, path) in Pages)
            {
                Console.Error.WriteLine($"[audit-log] {label} (load {Wrk.LoadAverage()})");
                var times = await AdminPages.TimeAsync(admin, path, "Showing ", warmUp: 10, count: 100);
                var p95 = AdminPages.Percentile(times, 95);
                report.Row($"Audit Log ({provider}), {Records:N0} records: {label}, p95", "<= 50 ms", Ms(p95), "-", null, p95 <= 50);
            }
        }
        finally
        {
            if (postgres is not null)
            {
                NpgsqlConnection.ClearAllPools();
                await ExecuteAsync(postgres, $"DROP DATABASE IF EXISTS \"{benchDatabase}\" WITH (FORCE)");
            }
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static readonly (string Label, string Path)[] Pages =
    [
        ("first page, newest first", "admin/audit-log"),
        ("by actor (1 of 50 administrators)", "admin/audit-log?actor=bench-admin-7"),
        ("by target (1 client of 10,000)", "admin/audit-log?targetType=auth-client&target=1042"),
        ("by family (credentials, ~15%)", "admin/audit-log?action=credentials"),
        ("by exact action (sign-in.failed, ~10%)", "admin/audit-log?action=sign-in.failed"),
        ("date range (one month)", "admin/audit-log?from=2026-03-01&to=2026-03-31"),
        ("combined (actor, family, month)", "admin/audit-log?actor=bench-admin-7&action=credentials&from=2026-03-01&to=2026-03-31"),
        ("deep page (page 600, oldest first)", "admin/audit-log?dir=asc&page=600"),
    ];

    /// <summary>
    /// One statement: row i happens i x 31.5 s into 2026, done by one of 50 administrators (a
    /// client or nobody for some), its action and target picked by i so every mix is spread evenly.
    /// </summary>
    private static async Task SeedSqliteAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandTimeout = 600;
        command.CommandText = $"""
            PRAGMA journal_mode = WAL;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Records}),
            e AS (SELECT i, {ActionOf} AS action FROM n)
            INSERT INTO AuditRecords (OccurredAt, ActorId, ActorName, IpAddress, Action, TargetType, TargetId, Changes)
            SELECT strftime('%Y-%m-%d %H:%M:%S', '{Start2026}', '+' || (i * 31.5) || ' seconds'), {Columns("json_object")}
            FROM e;
            ANALYZE;
            """;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task SeedPostgreSqlAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandTimeout = 600;
        command.CommandText = $"""
            INSERT INTO "AuditRecords" ("OccurredAt", "ActorId", "ActorName", "IpAddress", "Action", "TargetType", "TargetId", "Changes")
            SELECT timestamptz '{Start2026}+00' + i * interval '31.5 seconds', {Columns("json_build_object")}
            FROM (SELECT i, {ActionOf} AS action FROM generate_series(1, {Records}) AS i) e;
            """;
        await command.ExecuteNonQueryAsync();

        // As autovacuum leaves a table after a million inserts: statistics, and the visibility map
        // that lets the capped counts read the indexes alone. VACUUM runs outside any transaction.
        await using var vacuum = new NpgsqlCommand("""VACUUM ANALYZE "AuditRecords";""", connection) { CommandTimeout = 600 };
        await vacuum.ExecuteNonQueryAsync();
    }

    private const string ActionOf = """
        CASE
          WHEN i % 100 < 30 THEN 'sign-in.succeeded'
          WHEN i % 100 < 40 THEN 'sign-in.failed'
          WHEN i % 100 < 41 THEN 'user.locked-out'
          WHEN i % 100 < 56 THEN 'auth-client.updated'
          WHEN i % 100 < 66 THEN 'auth-client.secret-copied'
          WHEN i % 100 < 71 THEN 'auth-client.created'
          WHEN i % 100 < 74 THEN 'auth-client.secret-rotated'
          WHEN i % 100 < 76 THEN 'auth-client.credential-added'
          WHEN i % 100 < 77 THEN 'auth-client.credential-revoked'
          WHEN i % 100 < 79 THEN 'auth-client.deleted'
          WHEN i % 100 < 85 THEN 'user.updated'
          WHEN i % 100 < 88 THEN 'user.permissions-changed'
          WHEN i % 100 < 93 THEN 'group.member-added'
          WHEN i % 100 < 95 THEN 'group.permissions-changed'
          WHEN i % 100 < 98 THEN 'personal-access-token.created'
          ELSE 'personal-access-token.revoked'
        END
        """;

    /// <summary>Every column after OccurredAt, in SQL both SQLite and PostgreSQL read; <paramref name="jsonObject"/> is each one's JSON builder.</summary>
    private static string Columns(string jsonObject) => $"""
        CASE WHEN action IN ('sign-in.failed', 'user.locked-out') THEN NULL
             WHEN i % 97 = 0 THEN 'client:' || CAST(1000 + i % 10000 AS TEXT)
             ELSE 'bench-admin-' || CAST((i / 7) % 50 AS TEXT) END,
        CASE WHEN action IN ('sign-in.failed', 'user.locked-out') THEN 'anonymous'
             ELSE 'admin' || CAST((i / 7) % 50 AS TEXT) || '@example.test' END,
        '10.0.' || CAST(i % 200 AS TEXT) || '.' || CAST(i % 250 AS TEXT),
        action,
        CASE WHEN action LIKE 'auth-client.%' THEN 'auth-client'
             WHEN action LIKE 'group.%' THEN 'group'
             WHEN action LIKE 'personal-access-token.%' THEN 'personal-access-token'
             ELSE 'user' END,
        CASE WHEN action LIKE 'auth-client.%' THEN CAST(1000 + (i * 7) % 10000 AS TEXT)
             WHEN action LIKE 'group.%' THEN 'bench-group-' || CAST(i % 50 AS TEXT)
             WHEN action LIKE 'personal-access-token.%' THEN 'bench-token-' || CAST(i AS TEXT)
             ELSE 'bench-user-' || CAST(i % 500 AS TEXT) END,
        CASE WHEN action = 'auth-client.updated' THEN CAST({jsonObject}('name', {jsonObject}('from', 'Billing ' || CAST(i AS TEXT), 'to', 'Billing ' || CAST(i + 1 AS TEXT))) AS TEXT)
             WHEN action = 'sign-in.failed' THEN CAST({jsonObject}('reason', {jsonObject}('from', NULL, 'to', 'wrong-password')) AS TEXT)
             ELSE NULL END
        """;
}
