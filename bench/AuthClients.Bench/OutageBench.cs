using System.Diagnostics;
using System.Globalization;
using AuthClients.Tests.Shared;
using Npgsql;
using static AuthClients.Bench.Figures;

namespace AuthClients.Bench;

/// <summary>
/// <c>--outage</c>: client-credentials token requests while the database restarts (issue 18). The
/// optimised app on a PostgreSQL server of its own (<see cref="OwnPostgresServer"/>, the tests' helper),
/// 16 clients, wrk with 4 connections for 15 s; 5 s in, the server is stopped the way a crash stops it
/// (<c>pg_ctl -m immediate</c>) and started again 3 s later. Failed / total counts wrk's non-2xx answers
/// and socket errors. Target: none failed (every client was used a moment before the outage, which
/// is shorter than <c>OAuthServer:Resilience:ServeDuringOutage</c>).
/// </summary>
internal static class OutageBench
{
    private const int Seconds = 15;
    private const int Connections = 4;
    private static readonly TimeSpan OutageAt = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan OutageLength = TimeSpan.FromSeconds(3);

    public static async Task MeasureAsync(string scripts, string work, Report report, LastUsedComparison.Start start)
    {
        await using var server = await OwnPostgresServer.StartAsync();
        await ExecuteAsync(server.ConnectionString, "CREATE DATABASE authclients_bench");
        var database = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = "authclients_bench" }.ConnectionString;
        await using var app = await start(database, Path.Combine(work, "outage.log"), new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = database,
            ["Database:Provider"] = "PostgreSql",
        });
        await app.WaitUntilAsync(async http => (await http.GetAsync(".well-known/openid-configuration")).IsSuccessStatusCode, TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(50));
        var clients = await Seeder.AddTokenClientsAsync(new BenchDatabase(BenchDatabase.PostgreSql, database), 16);
        var clientFile = Path.Combine(work, "outage-clients.txt");
        await File.WriteAllLinesAsync(clientFile, clients.Select(c => $"{c.ClientId}:{c.Secret}"));
        var tokenUrl = new Uri(app.BaseAddress, "connect/token");
        await Wrk.RunAsync(Path.Combine(scripts, "token.lua"), tokenUrl, Connections, 3, clientFile);

        Console.Error.WriteLine($"[outage] {Seconds} s of token requests; the database stops at {OutageAt.TotalSeconds} s for {OutageLength.TotalSeconds} s");
        var load = Wrk.RunAsync(Path.Combine(scripts, "token.lua"), tokenUrl, Connections, Seconds, clientFile);
        await Task.Delay(OutageAt); // the schedule of the experiment, not a wait for a state
        var down = Stopwatch.StartNew();
        await server.StopAsync();
        await Task.Delay(OutageLength - down.Elapsed > TimeSpan.Zero ? OutageLength - down.Elapsed : TimeSpan.Zero);
        await server.StartAgainAsync();
        var downFor = down.Elapsed;
        var result = await load;

        var failed = result.StatusErrors + result.SocketErrors;
        report.Row($"client_credentials tokens during a {downFor.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s database outage (PostgreSQL restart), {Connections} connections, {Seconds} s: failed / total",
            "0 failed", $"{failed:N0} / {result.Requests:N0}", "-", null, failed == 0);
        report.Note($"Outage run: {Rate(result)} tokens/s overall, p50 {Ms(result.P50Ms)}, p99 {Ms(result.P99Ms)}, max {Ms(result.MaxMs)}; the app's log ({work}/outage.log) has the outage's two lines.");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
