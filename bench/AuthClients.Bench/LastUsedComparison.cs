using AuthClients.Tests.Shared;
using static AuthClients.Bench.Figures;

namespace AuthClients.Bench;

/// <summary>
/// <c>--last-used</c>: what tracking last use (issue 13) costs the token endpoint. Three copies of the
/// optimised app, each on its own SQLite file with the same 16 clients: tracking on with the default
/// flush interval (30 s), on with a 1 s interval (a flush every second: the worst case), and off
/// (<c>AuthClients:Credentials:TrackLastUsed=false</c>). After a warm-up each, they take turns under
/// the same wrk load for <c>--rounds</c> rounds, in a rotated order each round, so a slower minute of the
/// machine falls on all of them; each one's median round is compared. Target: on within 10% of off.
/// <para>
/// <c>--activity</c>: the same, for counting each client's tokens too (issue 14): last use and activity
/// counting on, last use on with counting off, and both off (<c>Activity:Enabled=false</c>); each "on"
/// is compared with both off. Target: within 10%.
/// </para>
/// </summary>
internal static class LastUsedComparison
{
    public delegate Task<AppProcess> Start(string database, string logPath, IReadOnlyDictionary<string, string?> settings);

    private sealed record Variant(string Name, IReadOnlyDictionary<string, string?> Settings)
    {
        public List<LoadResult> Rounds { get; } = [];

        /// <summary>The app's CPU milliseconds per answer in each round.</summary>
        public List<double> CpuPerAnswer { get; } = [];

        public LoadResult Median => Rounds.OrderBy(r => r.PerSecond).ElementAt(Rounds.Count / 2);
    }

    private const string TrackLastUsed = "AuthClients:Credentials:TrackLastUsed";
    private const string CountActivity = "Activity:Enabled";

    public static async Task MeasureAsync(int seconds, int rounds, string scripts, string work, Report report, Start start, bool activity = false)
    {
        Variant[] variants = activity
            ?
            [
                new("last use and activity counting on", new Dictionary<string, string?>()),
                new("last use on, activity counting off", new Dictionary<string, string?> { [CountActivity] = "false" }),
                new("both off", new Dictionary<string, string?> { [TrackLastUsed] = "false", [CountActivity] = "false" }),
            ]
            :
            [
                new("on (flush every 30 s, the default)", new Dictionary<string, string?>()),
                new("on (flush every 1 s)", new Dictionary<string, string?> { ["AuthClients:Credentials:LastUsedFlushInterval"] = "00:00:01" }),
                new("off", new Dictionary<string, string?> { [TrackLastUsed] = "false" }),
            ];
        var apps = new List<(Variant Variant, AppProcess App, string Database, Uri TokenUrl, string ClientFile)>();
        try
        {
            foreach (var (variant, index) in variants.Select((v, i) => (v, i)))
            {
                var database = Path.Combine(work, $"last-used-{index}.db");
                Console.Error.WriteLine($"[last used] starting: tracking {variant.Name}");
                var app = await start(database, Path.Combine(work, $"last-used-{index}.log"), variant.Settings);
                apps.Add((variant, app, database, new Uri(app.BaseAddress, "connect/token"), Path.Combine(work, $"last-used-{index}-clients.txt")));
                await app.WaitUntilAsync(async http => (await http.GetAsync(".well-known/openid-configuration")).IsSuccessStatusCode, TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(50));
                var clients = await Seeder.AddTokenClientsAsync(new BenchDatabase(BenchDatabase.Sqlite, $"Data Source={database}"), 16);
                await File.WriteAllLinesAsync(apps[^1].ClientFile, clients.Select(c => $"{c.ClientId}:{c.Secret}"));
                await Wrk.RunAsync(Path.Combine(scripts, "token.lua"), apps[^1].TokenUrl, 8, 5, apps[^1].ClientFile);
            }

            for (var round = 0; round < rounds; round++)
            {
                for (var turn = 0; turn < apps.Count; turn++)
                {
                    var (variant, app, _, tokenUrl, clientFile) = apps[(round + turn) % apps.Count];
                    Console.Error.WriteLine($"[last used] round {round + 1} of {rounds}: tracking {variant.Name}, {seconds} s (load {Wrk.LoadAverage()})");
                    var (result, cpu) = await AppCpu.PerAnswerAsync(app.ProcessId, () => Wrk.RunAsync(Path.Combine(scripts, "token.lua"), tokenUrl, 8, seconds, clientFile));
                    variant.Rounds.Add(result);
                    variant.CpuPerAnswer.Add(cpu);
                }
            }

            if (activity)
            {
                await ReportActivityAsync(variants, rounds, report, apps.Select(a => a.Database).ToList());
                return;
            }

            // The shipped setting is the target row; the 1 s flush (the shortest allowed) is the worst case, noted.
            var (on, worst, off) = (variants[0].Median, variants[1].Median, variants[^1].Median);
            report.Row($"client_credentials tokens/s, last-used tracking {variants[0].Name} vs off (median of {rounds} rounds)", ">= 90% of off",
                Rate(on), Rate(off), on.PerSecond / off.PerSecond, on.Clean && off.Clean && on.PerSecond >= 0.9 * off.PerSecond);
            report.Note($"Token latency p50 / p99 (median rounds): on {Ms(on.P50Ms)} / {Ms(on.P99Ms)}, on with a 1 s flush {Ms(worst.P50Ms)} / {Ms(worst.P99Ms)}, off {Ms(off.P50Ms)} / {Ms(off.P99Ms)}.");
            report.Note($"Not a target: tracking {variants[1].Name}, {Rate(worst)} tokens/s, {(worst.PerSecond / off.PerSecond).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)}x off.");
            foreach (var variant in variants)
            {
                report.Note($"Tracking {variant.Name}: rounds {string.Join(", ", variant.Rounds.Select(Rate))} tokens/s, app CPU per token {string.Join(", ", variant.CpuPerAnswer.Select(Ms))} (load before -> after: {string.Join("; ", variant.Rounds.Select(r => r.Load))}).");
            }

            foreach (var (variant, _, database, _, _) in apps)
            {
                report.Note($"Tracking {variant.Name}: {await ClientsWithLastUseAsync(database)} of the 16 clients have a last use in the database while it runs.");
            }
        }
        finally
        {
            foreach (var (_, app, _, _, _) in apps)
            {
                await app.DisposeAsync();
            }
        }
    }

    /// <summary>Both "on" variants against both off, each a target row; the rounds and what each wrote are notes.</summary>
    private static async Task ReportActivityAsync(Variant[] variants, int rounds, Report report, List<string> databases)
    {
        var off = variants[^1].Median;
        foreach (var variant in variants[..^1])
        {
            var on = variant.Median;
            report.Row($"client_credentials tokens/s, {variant.Name} vs both off (median of {rounds} rounds)", ">= 90% of off",
                Rate(on), Rate(off), on.PerSecond / off.PerSecond, on.Clean && off.Clean && on.PerSecond >= 0.9 * off.PerSecond);
        }

        report.Note($"Token latency p50 / p99 (median rounds): {string.Join("; ", variants.Select(v => $"{v.Name} {Ms(v.Median.P50Ms)} / {Ms(v.Median.P99Ms)}"))}.");
        foreach (var (variant, database) in variants.Zip(databases))
        {
            report.Note($"{variant.Name}: rounds {string.Join(", ", variant.Rounds.Select(Rate))} tokens/s, app CPU per token {string.Join(", ", variant.CpuPerAnswer.Select(Ms))} (load before -> after: {string.Join("; ", variant.Rounds.Select(r => r.Load))}); " +
                $"{await ClientsWithLastUseAsync(database)} of the 16 clients with a last use, {await TokensCountedAsync(database):N0} tokens counted in the database while it runs.");
        }
    }

    private static async Task<long> TokensCountedAsync(string database)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        using var sum = connection.CreateCommand();
        sum.CommandText = "SELECT COALESCE(SUM(Count), 0) FROM ClientTokenCounts";
        return (long)(await sum.ExecuteScalarAsync())!;
    }

    private static async Task<long> ClientsWithLastUseAsync(string database)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False");
        await connection.OpenAsync();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM OpenIddictApplications WHERE DisplayName LIKE 'Load test client %' AND LastUsedAt IS NOT NULL";
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
