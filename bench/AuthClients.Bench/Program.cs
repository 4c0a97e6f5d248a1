using System.Globalization;
using System.Text;
using AuthClients.Bench;
using AuthClients.Tests.Shared;
using static AuthClients.Bench.Figures;

// bench/run.sh builds and publishes, then runs this driver:
//   AuthClients.Bench --app <published app folder> --scripts <bench folder> [--provider Sqlite|PostgreSql] [--seconds 30] [--list-clients 1000000] [--list-only] [--out <file.md>]
//   AuthClients.Bench --app ... --scripts ... --last-used [--seconds 30] [--rounds 3]: only the cost of tracking last use (LastUsedComparison)
//   AuthClients.Bench --app ... --scripts ... --audit-log [--postgres <connection string>]: only the Audit Log page at 1,000,000 records (AuditLogBench)
//   AuthClients.Bench --app ... --scripts ... --activity [--seconds 30] [--rounds 3]: only the cost of last use and activity counting together
//   AuthClients.Bench --app ... --scripts ... --outage: only token requests through a 3 s PostgreSQL restart (OutageBench)
//   AuthClients.Bench --app ... --scripts ... --user-flows [--provider ...] [--seconds 10]: only the refresh and code rows (optimised and baseline)
//   AuthClients.Bench --app ... --scripts ... --reference <published bench/ReferenceServer> [--provider ...]: the app's client_credentials and
//     refresh rows side by side with an independent OpenIddict server's (ReferenceBench)
// For each provider (both without --provider) it starts the optimised app and a baseline app
// (OAuthServer:Performance:Baseline=true) on loopback ports, over SQLite files in a temporary folder
// or databases on a PostgreSQL server of its own, loads them with wrk, and prints the table.
Settings settings;
try
{
    settings = Settings.Parse(args);
}
catch (Exception bad) when (bad is ArgumentException or FormatException)
{
    Console.Error.WriteLine(bad.Message);
    return 2;
}
// Cold start is measured to the first good answer: poll often.
var pollInterval = TimeSpan.FromMilliseconds(10);
var work = Directory.CreateTempSubdirectory("authclients-bench-").FullName;
var report = new Report();
report.Note($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; load average at start {Wrk.LoadAverage()}.");
report.Note(settings.ReferenceApp is null
    ? $"Settings: {settings.Seconds} s per load run after a warm-up ({settings.WarmUpSeconds} s before the first client_credentials, refresh and round-robin runs: the steady state, once tiered compilation has settled), 8 keep-alive connections: wrk -t2 for issue 6's rows (as in the earlier tables), wrk -t1 for issue 16's; {settings.ListClients:N0} clients for the list page; work folder {work}."
    : $"Settings: {settings.Seconds} s per load run after a {settings.WarmUpSeconds} s warm-up (the steady state, once tiered compilation has settled) for both servers, wrk -t1 with 8 keep-alive connections; work folder {work}.");

var watchdog = new CancellationTokenSource(TimeSpan.FromMinutes(settings.TimeLimitMinutes));
watchdog.Token.Register(() =>
{
    Console.Error.WriteLine($"The benchmark ran past its {settings.TimeLimitMinutes}-minute limit: stopping.");
    Environment.Exit(2);
});

// Ctrl+C, or SIGTERM (run.sh's timeout, a kill): exit through ProcessExit, which kills the apps
// and stops the PostgreSQL server (a plain SIGTERM would end the process without it).
using var interrupt = ExitOn(System.Runtime.InteropServices.PosixSignal.SIGINT, 130);
using var terminate = ExitOn(System.Runtime.InteropServices.PosixSignal.SIGTERM, 143);

try
{
    if (settings.LastUsed || settings.Activity)
    {
        await LastUsedComparison.MeasureAsync(settings.Seconds, settings.Rounds, settings.Scripts, work, report,
            (database, log, extra) => StartOnSqliteFileAsync(database, baseline: false, log, extra), activity: settings.Activity);
        return await FinishAsync();
    }

    if (settings.Outage)
    {
        await OutageBench.MeasureAsync(settings.Scripts, work, report, (database, log, extra) => StartOnSqliteFileAsync(database, baseline: false, log, extra));
        return await FinishAsync();
    }

    if (settings.AuditLog)
    {
        await AuditLogBench.MeasureAsync(work, report, (database, log, extra) => StartOnSqliteFileAsync(database, baseline: false, log, extra), pollInterval, settings.Postgres);
        return await FinishAsync();
    }

    report.Note("Last-used tracking (AuthClients:Credentials:TrackLastUsed) and activity counting (Activity:Enabled) are on in every app of these rows, named in its settings"
        + (settings.ReferenceApp is null ? "." : " (the reference server has neither)."));
    var floor = CryptoFloor.Measure();
    foreach (var provider in settings.Providers)
    {
        await using var databases = await BenchDatabases.StartAsync(provider, work);
        await MeasureProviderAsync(databases);
    }

    report.Note("Cryptography on one core (best of 3 rounds): " + string.Join("; ", floor.Select(f => $"{f.What} {f.Microseconds.ToString("0.#", CultureInfo.InvariantCulture)} us")) + ".");
    return await FinishAsync();
}
finally
{
    if (!settings.Keep)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.EnumerateFiles(work, "*.db*"))
        {
            File.Delete(file);
        }
    }
}

async Task<int> FinishAsync()
{
    report.Note($"Load average at the end: {Wrk.LoadAverage()}. App logs: {work}/*.log");
    var text = report.Render();
    Console.WriteLine(text);
    if (settings.Out is not null)
    {
        await File.WriteAllTextAsync(settings.Out, text);
    }

    return report.AllPassed ? 0 : 1;
}

// The rows of one provider: issue 6's (wrk -t2 -c8, as in the earlier tables) and issue 16's
// (wrk -t1 -c8), the optimised app against the baseline on databases of their own.
async Task MeasureProviderAsync(BenchDatabases databases)
{
    var targets = ProviderTargets.For(databases.Provider);
    if (settings.ReferenceApp is { } referenceApp)
    {
        report.Section($"{databases.Label}: AuthClients (optimised) in the measured column, the OpenIddict reference server (bench/ReferenceServer, OpenIddict's defaults) in the baseline column; wrk -t1 -c8");
        var app = await MeasureServerAsync(databases, "optimised", baseline: false);
        var reference = await MeasureReferenceAsync(databases, referenceApp);
        ReportAgainstReference(databases, app, reference);
        return;
    }

    report.Section($"{databases.Label}: {targets.Conditions}");
    if (settings.ListOnly)
    {
        ReportList(databases, await MeasureListAsync(databases));
        return;
    }

    var t = await MeasureServerAsync(databases, "optimised", baseline: false);
    var b = await MeasureServerAsync(databases, "baseline", baseline: true);
    if (settings.UserFlowsOnly)
    {
        ReportUserFlows(databases, targets, t, b);
        return;
    }

    var list = await MeasureListAsync(databases);
    var label = databases.Label;

    // Issue 6's rows, measured as before (wrk -t2 -c8, 16 clients, a client's token on /me).
    report.Row("client_credentials tokens/s (8 connections, wrk -t2)", ">= 3,000 and >= 20x baseline", Rate(t.Tokens), Rate(b.Tokens), t.Tokens.PerSecond / b.Tokens.PerSecond,
        t.Tokens.Clean && t.Tokens.PerSecond >= 3000 && t.Tokens.PerSecond >= 20 * b.Tokens.PerSecond);
    report.Row("token latency p50", "<= 3 ms", Ms(t.Tokens.P50Ms), Ms(b.Tokens.P50Ms), b.Tokens.P50Ms / t.Tokens.P50Ms, t.Tokens.P50Ms <= 3);
    report.Row("token latency p99", "<= 15 ms", Ms(t.Tokens.P99Ms), Ms(b.Tokens.P99Ms), b.Tokens.P99Ms / t.Tokens.P99Ms, t.Tokens.P99Ms <= 15);
    report.Row("GET /api/1.0/me with a client's bearer token, req/s (wrk -t2)", ">= 5,000", Rate(t.Me), Rate(b.Me), t.Me.PerSecond / b.Me.PerSecond, t.Me.Clean && t.Me.PerSecond >= 5000);
    report.Row("GET /api/1.0/me latency p99", "<= 10 ms", Ms(t.Me.P99Ms), Ms(b.Me.P99Ms), b.Me.P99Ms / t.Me.P99Ms, t.Me.P99Ms <= 10);
    report.Row("cold start to first token (restart, median of 3)", "<= 3 s", Sec(t.ColdStart), Sec(b.ColdStart), null, t.ColdStart <= TimeSpan.FromSeconds(3));

    // Issue 16's rows (wrk -t1 -c8).
    report.Row("client_credentials tokens/s (8 connections, wrk -t1)", $">= 7,000 and >= {targets.TokenRatio}x baseline", Rate(t.TokensOneThread), Rate(b.TokensOneThread),
        t.TokensOneThread.PerSecond / b.TokensOneThread.PerSecond,
        t.TokensOneThread.Clean && t.TokensOneThread.PerSecond >= 7000 && t.TokensOneThread.PerSecond >= targets.TokenRatio * b.TokensOneThread.PerSecond);
    ReportGrantRows(targets, t, b);
    report.Row("GET /api/1.0/me with a user's access token, req/s", ">= 8,000", Rate(t.UserMe), Rate(b.UserMe), t.UserMe.PerSecond / b.UserMe.PerSecond, t.UserMe.Clean && t.UserMe.PerSecond >= 8000);
    ReportList(databases, list);
    var maxRss = t.Rss.Concat(list.Rss).Max(r => r.Value);
    report.Row("RSS of the app under each load (max)", "<= 300 MB", Mb(maxRss), Mb(b.Rss.Values.Max()), null, maxRss <= 300L * 1024 * 1024);

    report.Note($"{label}: RSS max per load, optimised: {RssText(t.Rss.Concat(list.Rss))}; baseline: {RssText(b.Rss)}.");
    report.Note($"{label}: p50 per load, optimised / baseline: client_credentials (-t1) {Ms(t.TokensOneThread.P50Ms)} / {Ms(b.TokensOneThread.P50Ms)}; refresh {Ms(t.Refresh.P50Ms)} / {Ms(b.Refresh.P50Ms)}; code exchange {Ms(t.Codes.P50Ms)} / {Ms(b.Codes.P50Ms)}, p99 {Ms(t.Codes.P99Ms)} / {Ms(b.Codes.P99Ms)}; /me with a user's token {Ms(t.UserMe.P50Ms)} / {Ms(b.UserMe.P50Ms)}, p99 {Ms(t.UserMe.P99Ms)} / {Ms(b.UserMe.P99Ms)}; round robin over {list.RoundRobinClients:N0} clients p50 {Ms(list.RoundRobin.P50Ms)}, p99 {Ms(list.RoundRobin.P99Ms)}.");
    report.Note($"{label}: codes minted through GET /connect/authorize (signed-in user, consent given, 8 at a time): optimised {t.Minting}, baseline {b.Minting}.");
    report.Note($"{label}: load average per run (1-minute, before -> after), optimised / baseline: tokens -t2 {t.Tokens.Load} / {b.Tokens.Load}; tokens -t1 {t.TokensOneThread.Load} / {b.TokensOneThread.Load}; refresh {t.Refresh.Load} / {b.Refresh.Load}; codes {t.Codes.Load} / {b.Codes.Load}; /me (user) {t.UserMe.Load} / {b.UserMe.Load}; round robin {list.RoundRobin.Load}.");
    report.Note($"{label}: HTTP ceiling (GET /favicon.ico, static file, wrk -t2 -c8): {Rate(t.Ceiling)} req/s, p50 {Ms(t.Ceiling.P50Ms)}, p99 {Ms(t.Ceiling.P99Ms)}.");
    report.Note($"{label}: first start on an empty database (migrations, keys, administrator): optimised {Sec(t.FirstStart)}, baseline {Sec(b.FirstStart)}.");
    report.Note($"{label}: token rows after the runs: optimised {t.TokenRows:N0}, baseline {b.TokenRows:N0}; secret verifiers of the 16 load-test clients: optimised {t.Verifiers}, baseline {b.Verifiers}.");
}

// Issue 16's refresh and code rows.
void ReportGrantRows(ProviderTargets targets, ServerFigures t, ServerFigures b)
{
    report.Row("refresh_token grants/s, each token used once (rotation and reuse detection on)", $">= {targets.Refresh:N0} and >= {targets.RefreshRatio}x baseline", Rate(t.Refresh), Rate(b.Refresh),
        t.Refresh.PerSecond / b.Refresh.PerSecond,
        t.Refresh.Clean && t.Refresh.PerSecond >= targets.Refresh && t.Refresh.PerSecond >= targets.RefreshRatio * b.Refresh.PerSecond);
    report.Row("refresh_token grant latency p99", "<= 25 ms", Ms(t.Refresh.P99Ms), Ms(b.Refresh.P99Ms), b.Refresh.P99Ms / t.Refresh.P99Ms, t.Refresh.P99Ms <= 25);
    report.Row($"authorization_code exchanges/s (codes minted beforehand; {t.Codes.Requests:N0} / {b.Codes.Requests:N0} exchanged)", $">= {targets.Codes:N0}", Rate(t.Codes), Rate(b.Codes),
        t.Codes.PerSecond / b.Codes.PerSecond, t.Codes.Clean && t.Codes.PerSecond >= targets.Codes);
}

// --user-flows: the refresh and code rows alone, with their latencies and load averages.
void ReportUserFlows(BenchDatabases databases, ProviderTargets targets, ServerFigures t, ServerFigures b)
{
    ReportGrantRows(targets, t, b);
    report.Note($"{databases.Label}: p50 optimised / baseline: refresh {Ms(t.Refresh.P50Ms)} / {Ms(b.Refresh.P50Ms)}; code exchange {Ms(t.Codes.P50Ms)} / {Ms(b.Codes.P50Ms)}, p99 {Ms(t.Codes.P99Ms)} / {Ms(b.Codes.P99Ms)}.");
    report.Note($"{databases.Label}: load average per run (1-minute, before -> after), optimised / baseline: refresh {t.Refresh.Load} / {b.Refresh.Load}; codes {t.Codes.Load} / {b.Codes.Load}.");
}

// The list rows and the round-robin row, with their notes.
void ReportList(BenchDatabases databases, ListFigures list)
{
    foreach (var (name, p95) in list.Pages)
    {
        report.Row($"list page, {settings.ListClients:N0} clients: {name}, p95", "<= 30 ms", Ms(p95), "-", null, p95 <= 30);
    }

    report.Row($"token endpoint, {list.RoundRobinClients:N0} distinct clients in round robin (cache misses), tokens/s", ">= 3,000", Rate(list.RoundRobin), "-", null,
        list.RoundRobin.Clean && list.RoundRobin.PerSecond >= 3000);
    if (settings.ListOnly)
    {
        report.Row("RSS of the app under the list and round-robin loads (max)", "<= 300 MB", Mb(list.Rss.Values.Max()), "-", null, list.Rss.Values.Max() <= 300L * 1024 * 1024);
        report.Note($"{databases.Label}: RSS max per load: {RssText(list.Rss)}; round robin p50 {Ms(list.RoundRobin.P50Ms)}, p99 {Ms(list.RoundRobin.P99Ms)}, load average {list.RoundRobin.Load}.");
    }

    report.Note($"{databases.Label}: {settings.ListClients:N0} list clients seeded in {Sec(list.Seeding)} (one set-based INSERT per table, then {(databases.Provider == BenchDatabase.PostgreSql ? "VACUUM ANALYZE" : "ANALYZE")}); {list.NotUsed}.");
    report.Note($"{databases.Label}: the Admin Dashboard (/admin) over the same clients: p50 {Ms(list.DashboardP50)}, p95 {Ms(list.DashboardP95)}.");
}

// --reference: the OpenIddict reference server on a database of its own, loaded as the app is: the
// same client_credentials script over 16 clients, the same refresh script over 64 chains (minted with
// the password grant, which the reference allows and the app keeps for its own users).
async Task<ReferenceFigures> MeasureReferenceAsync(BenchDatabases databases, string referenceApp)
{
    var database = await databases.CreateAsync("reference");
    var tag = $"{databases.Label} reference";
    var rss = new Dictionary<string, long>();
    await using var server = await AppProcess.StartAsync(new AppLaunch(Path.Combine(referenceApp, "ReferenceServer.dll"), referenceApp)
    {
        EnvironmentName = "Production",
        Port = FreeLoopbackPort(),
        LogPath = Path.Combine(work, $"{databases.Provider}-reference.log"),
        Settings = ReferenceBench.Settings(database),
    });
    await server.WaitUntilAsync(async http => (await http.GetAsync(".well-known/openid-configuration")).IsSuccessStatusCode, TimeSpan.FromMinutes(2), pollInterval);
    var tokenUrl = new Uri(server.BaseAddress, "connect/token");
    var script = (string file) => Path.Combine(settings.Scripts, file);
    var clientFile = Path.Combine(work, $"{databases.Provider}-reference-clients.txt");
    await File.WriteAllLinesAsync(clientFile, ReferenceBench.Clients.Select(c => $"{c.ClientId}:{c.Secret}"));

    var tokens = await WarmedUpRunAsync(server, rss, tag, "reference client_credentials -t1", "client_credentials", script("token.lua"), tokenUrl, [clientFile], [clientFile]);
    var refreshTokens = await ReferenceBench.RefreshTokensAsync(server.BaseAddress, 2 * BenchSizes.RefreshChains);
    var refresh = await RefreshRunAsync(server, rss, tag, "reference refresh_token", $"{databases.Provider}-reference", tokenUrl, refreshTokens, ReferenceBench.Clients[0]);

    var tokenRows = Convert.ToInt64(await database.ScalarAsync("SELECT COUNT(*) FROM \"OpenIddictTokens\""), CultureInfo.InvariantCulture);
    return new ReferenceFigures(tokens, refresh, tokenRows, rss);
}

void ReportAgainstReference(BenchDatabases databases, ServerFigures app, ReferenceFigures reference)
{
    report.Comparison("client_credentials tokens/s (8 connections, wrk -t1)", Rate(app.TokensOneThread), Rate(reference.Tokens), app.TokensOneThread.PerSecond / reference.Tokens.PerSecond);
    report.Comparison("client_credentials latency p99", Ms(app.TokensOneThread.P99Ms), Ms(reference.Tokens.P99Ms), reference.Tokens.P99Ms / app.TokensOneThread.P99Ms);
    report.Comparison("refresh_token grants/s, each token used once (rotation and reuse detection on)", Rate(app.Refresh), Rate(reference.Refresh), app.Refresh.PerSecond / reference.Refresh.PerSecond);
    report.Comparison("refresh_token grant latency p99", Ms(app.Refresh.P99Ms), Ms(reference.Refresh.P99Ms), reference.Refresh.P99Ms / app.Refresh.P99Ms);
    report.Comparison("RSS under these loads (max)", Mb(app.Rss.Values.Max()), Mb(reference.Rss.Values.Max()), null);
    report.Note($"{databases.Label}: load average per run (1-minute, before -> after), AuthClients / reference: client_credentials {app.TokensOneThread.Load} / {reference.Tokens.Load}; refresh {app.Refresh.Load} / {reference.Refresh.Load}.");
    report.Note($"{databases.Label}: token rows the reference server wrote (it stores every token, as OpenIddict does by default): {reference.TokenRows:N0}.");
}

async Task<ServerFigures> MeasureServerAsync(BenchDatabases databases, string name, bool baseline)
{
    var database = await databases.CreateAsync(name);
    var tag = $"{databases.Label} {name}";
    var log = Path.Combine(work, $"{databases.Provider}-{name}.log");
    Console.Error.WriteLine($"[{tag}] first start on an empty database");
    TimeSpan firstStart;
    IReadOnlyList<BenchClient> clients;
    LoadResult tokens, me, ceiling, tokensOneThread, refresh, codes, userMe;
    string minting;
    var rss = new Dictionary<string, long>();
    await using (var app = await StartAsync(database, baseline, log))
    {
        await app.WaitUntilAsync(async http => (await http.GetAsync(".well-known/openid-configuration")).IsSuccessStatusCode, TimeSpan.FromMinutes(2), pollInterval);
        firstStart = DateTime.UtcNow - app.StartedAt;
        clients = await Seeder.AddTokenClientsAsync(database, 16);
        var userClient = await Seeder.AddUserFlowClientAsync(database, UserFlows.RedirectUri);
        var clientFile = Path.Combine(work, $"{databases.Provider}-{name}-clients.txt");
        await File.WriteAllLinesAsync(clientFile, clients.Select(c => $"{c.ClientId}:{c.Secret}"));
        var tokenUrl = new Uri(app.BaseAddress, "connect/token");
        var meUrl = new Uri(app.BaseAddress, "api/1.0/me");
        var script = (string file) => Path.Combine(settings.Scripts, file);

        var notRun = new LoadResult(0, 1, 0, 0, 0, 0, 0, "");
        if (settings.UserFlowsOnly)
        {
            tokens = me = ceiling = tokensOneThread = notRun;
        }
        else if (settings.ReferenceApp is not null)
        {
            // Only issue 16's client_credentials row, as the reference server's is measured.
            tokens = me = ceiling = notRun;
            tokensOneThread = await WarmedUpRunAsync(app, rss, tag, "client_credentials -t1", "client_credentials", script("token.lua"), tokenUrl, [clientFile], [clientFile]);
        }
        else
        {
            Console.Error.WriteLine($"[{tag}] {settings.WarmUpSeconds} s warm-up, then {settings.Seconds} s of client_credentials, wrk -t2 (load {Wrk.LoadAverage()})");
            await Wrk.RunAsync(script("token.lua"), tokenUrl, 8, settings.WarmUpSeconds, clientFile);
            tokens = await Sampled(app, rss, "client_credentials", () => Wrk.RunAsync(script("token.lua"), tokenUrl, 8, settings.Seconds, clientFile));

            using var http = new HttpClient { BaseAddress = app.BaseAddress };
            var accessToken = await Tokens.RequestAsync(http, clients[0]) ?? throw new InvalidOperationException("No token for the /me run.");
            Console.Error.WriteLine($"[{tag}] warm-up, then {settings.Seconds} s of GET /api/1.0/me with a client's token, wrk -t2 (load {Wrk.LoadAverage()})");
            await Wrk.RunAsync(script("bearer.lua"), meUrl, 8, 3, accessToken);
            me = await Sampled(app, rss, "/me (client)", () => Wrk.RunAsync(script("bearer.lua"), meUrl, 8, settings.Seconds, accessToken));

            ceiling = baseline
                ? notRun
                : await Wrk.RunAsync(script("plain.lua"), new Uri(app.BaseAddress, "favicon.ico"), 8, Math.Min(10, settings.Seconds));

            Console.Error.WriteLine($"[{tag}] {settings.Seconds} s of client_credentials, wrk -t1 (load {Wrk.LoadAverage()})");
            tokensOneThread = await Sampled(app, rss, "client_credentials -t1", () => Wrk.RunOneThreadAsync(script("token.lua"), tokenUrl, 8, settings.Seconds, clientFile));
        }

        // User flows: a signed-in user's codes, exchanged for refresh tokens (two sets: warm-up and run).
        using var flows = await UserFlows.StartAsync(app.BaseAddress, userClient);
        var (startCodes, _) = await flows.MintCodesAsync(2 * BenchSizes.RefreshChains);
        var exchanged = await flows.ExchangeAsync(startCodes);
        refresh = await RefreshRunAsync(app, rss, tag, "refresh_token", $"{databases.Provider}-{name}", tokenUrl, [.. exchanged.Select(e => e.RefreshToken)], userClient);

        // Codes are single use and minting them is slower than exchanging them: the warm-up's rate
        // sizes the run (twice what it would use, at most CodesPerSecond per second); should the app
        // run out, code.lua stops and the rate stands over the shorter time.
        var (warmUpCodes, _) = await flows.MintCodesAsync(BenchSizes.WarmUpCodes);
        var warmUpFile = Path.Combine(work, $"{databases.Provider}-{name}-codes-warm-up.txt");
        await File.WriteAllLinesAsync(warmUpFile, warmUpCodes);
        var warmUp = await Wrk.RunOneThreadAsync(script("code.lua"), tokenUrl, 8, 5, flows.CodeScriptArguments(warmUpFile));
        var codeCount = (int)Math.Clamp(2 * warmUp.PerSecond * settings.Seconds, BenchSizes.WarmUpCodes, BenchSizes.CodesPerSecond * settings.Seconds);
        Console.Error.WriteLine($"[{tag}] minting {codeCount:N0} codes (warm-up: {Rate(warmUp)}/s), then exchanging them, wrk -t1 (load {Wrk.LoadAverage()})");
        var (runCodes, mintTime) = await flows.MintCodesAsync(codeCount);
        minting = $"{runCodes.Count:N0} in {Sec(mintTime)} ({(runCodes.Count / mintTime.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture)}/s)";
        var codesFile = Path.Combine(work, $"{databases.Provider}-{name}-codes.txt");
        await File.WriteAllLinesAsync(codesFile, runCodes);
        codes = await Sampled(app, rss, "authorization_code", () => Wrk.RunOneThreadAsync(script("code.lua"), tokenUrl, 8, settings.Seconds, flows.CodeScriptArguments(codesFile)));

        if (settings.UserFlowsOnly || settings.ReferenceApp is not null)
        {
            return new ServerFigures(tokens, me, ceiling, TimeSpan.Zero, firstStart, 0, "", tokensOneThread, refresh, codes, notRun, minting, rss);
        }

        var userToken = exchanged[0].AccessToken;
        Console.Error.WriteLine($"[{tag}] warm-up, then {settings.Seconds} s of GET /api/1.0/me with a user's token, wrk -t1 (load {Wrk.LoadAverage()})");
        await Wrk.RunOneThreadAsync(script("bearer.lua"), meUrl, 8, 3, userToken);
        userMe = await Sampled(app, rss, "/me (user)", () => Wrk.RunOneThreadAsync(script("bearer.lua"), meUrl, 8, settings.Seconds, userToken));
    }

    var coldStarts = new List<TimeSpan>();
    for (var i = 0; i < 3; i++)
    {
        Console.Error.WriteLine($"[{tag}] cold start {i + 1} of 3");
        await using var app = await StartAsync(database, baseline, log);
        await app.WaitUntilAsync(async h => await Tokens.RequestAsync(h, clients[0]) is not null, TimeSpan.FromMinutes(1), pollInterval);
        coldStarts.Add(DateTime.UtcNow - app.StartedAt);
    }

    var (rows, verifiers) = await Inspect(database);
    coldStarts.Sort();
    return new ServerFigures(tokens, me, ceiling, coldStarts[1], firstStart, rows, verifiers, tokensOneThread, refresh, codes, userMe, minting, rss);
}

// The list at --list-clients clients, and the token endpoint over 100,000 of them in round robin.
async Task<ListFigures> MeasureListAsync(BenchDatabases databases)
{
    var database = await databases.CreateAsync("list");
    var log = Path.Combine(work, $"{databases.Provider}-list.log");
    var tag = $"{databases.Label} list";

    // The clients share one secret. Its HMAC verifier, which only the app can compute (the key is
    // its own), is taken from a probe client the app upgrades on its first token, and copied to all:
    // no PBKDF2 per client, neither in the seeding nor in the measured requests.
    string verifier;
    BenchClient probe;
    await using (var first = await StartAsync(database, baseline: false, log))
    {
        await first.WaitUntilAsync(async http => (await http.GetAsync(".well-known/openid-configuration")).IsSuccessStatusCode, TimeSpan.FromMinutes(2), pollInterval);
        probe = (await Seeder.AddTokenClientsAsync(database, 1))[0];
        using var http = new HttpClient { BaseAddress = first.BaseAddress };
        _ = await Tokens.RequestAsync(http, probe) ?? throw new InvalidOperationException("The probe client got no token.");
        verifier = await Seeder.VerifierAsync(database, probe.ClientId);
    }

    if (!verifier.StartsWith("$hmac-sha256$", StringComparison.Ordinal))
    {
        throw new InvalidOperationException("The probe client's verifier was not upgraded to HMAC on its first token.");
    }

    Console.Error.WriteLine($"[{tag}] seeding {settings.ListClients:N0} clients");
    var seeding = System.Diagnostics.Stopwatch.StartNew();
    await Seeder.AddListClientsAsync(database, settings.ListClients, verifier);
    seeding.Stop();
    Console.Error.WriteLine($"[{tag}] seeded in {Sec(seeding.Elapsed)}");
    var notUsed = Convert.ToInt64(await database.ScalarAsync(
        "SELECT COUNT(*) FROM \"OpenIddictApplications\" WHERE \"LastUsedAt\" IS NULL OR \"LastUsedAt\" < " + (database.IsPostgreSql ? "now() - interval '90 days'" : "datetime('now', '-90 days')")), CultureInfo.InvariantCulture);
    var notUsedText = $"{notUsed:N0} of them ({100.0 * notUsed / settings.ListClients:0}%) never used or not for 90 days";

    var rss = new Dictionary<string, long>();
    await using var app = await StartAsync(database, baseline: false, log);
    await app.WaitUntilAsync(async http => (await http.GetAsync(".well-known/openid-configuration")).IsSuccessStatusCode, TimeSpan.FromMinutes(1), pollInterval);
    using var admin = await AdminPages.SignInAsync(app.BaseAddress);
    var perPage = 15;
    var middle = settings.ListClients / perPage / 2;
    var pages = new List<(string, double)>();
    using var sampling = new CancellationTokenSource();
    var sampler = SampleRssAsync(app, rss, "list pages", sampling.Token);
    // A user reaches a deep page by Next, whose link carries the position of the page before's last row.
    var byName = "admin/auth-clients?sort=name&dir=asc";
    var reachedByNext = await AdminPages.NextLinkAsync(admin, $"{byName}&page={middle - 1}");
    foreach (var (label, path) in new[]
    {
        ("first page, newest first", "admin/auth-clients"),
        ($"page {middle:N0} sorted by name, reached by Next", reachedByNext),
        ($"page {middle:N0} sorted by name, typed as page={middle} (no position in the link)", $"{byName}&page={middle}"),
        ("search \"4242\" (selective)", "admin/auth-clients?search=4242"),
        ("search \"invoice\" (1 client in 8 matches)", "admin/auth-clients?search=invoice"),
        ("search \"ex\" (2 letters; 7 clients in 10 match)", "admin/auth-clients?search=ex"),
        ("\"Not used for 90 days\" filter", $"admin/auth-clients?filter={Uri.EscapeDataString("unused")}"),
    })
    {
        Console.Error.WriteLine($"[{tag}] {label} (load {Wrk.LoadAverage()})");
        var times = await AdminPages.TimeAsync(admin, path, "Showing ", warmUp: 10, count: 100);
        pages.Add((times.Length < 100 ? $"{label} ({times.Length} timed: over 60 s)" : label, AdminPages.Percentile(times, 95)));
    }

    Console.Error.WriteLine($"[{tag}] dashboard (load {Wrk.LoadAverage()})");
    var dashboard = await AdminPages.TimeAsync(admin, "admin", "used in the last 24 hours", warmUp: 10, count: 100);
    await sampling.CancelAsync();
    await sampler;

    var ids = await Seeder.ListClientIdsAsync(database, BenchSizes.RoundRobinClients);
    var clientFile = Path.Combine(work, $"{databases.Provider}-round-robin-clients.txt");
    await File.WriteAllLinesAsync(clientFile, ids.Select(id => $"{id}:{probe.Secret}"));
    var roundRobin = await WarmedUpRunAsync(app, rss, tag, $"round robin over {ids.Count:N0} clients", $"client_credentials over {ids.Count:N0} clients in round robin",
        Path.Combine(settings.Scripts, "token.lua"), new Uri(app.BaseAddress, "connect/token"), [clientFile], [clientFile]);
    return new ListFigures(pages, seeding.Elapsed, notUsedText, AdminPages.Percentile(dashboard, 50), AdminPages.Percentile(dashboard, 95), ids.Count, roundRobin, rss);
}

// --warm-up seconds of wrk -t1 -c8 on script, then the measured run (Sampled) with the same script:
// the steady state, once tiered compilation has settled. The two runs may read different files
// (refresh tokens and codes are single use).
async Task<LoadResult> WarmedUpRunAsync(AppProcess server, Dictionary<string, long> rss, string tag, string label, string what, string script, Uri url,
    string[] warmUpArguments, string[] runArguments)
{
    Console.Error.WriteLine($"[{tag}] {settings.WarmUpSeconds} s warm-up, then {settings.Seconds} s of {what}, wrk -t1 (load {Wrk.LoadAverage()})");
    await Wrk.RunOneThreadAsync(script, url, 8, settings.WarmUpSeconds, warmUpArguments);
    return await Sampled(server, rss, label, () => Wrk.RunOneThreadAsync(script, url, 8, settings.Seconds, runArguments));
}

// The refresh row: the first RefreshChains tokens for the warm-up, the next RefreshChains for the
// measured run, each the start of a chain that refresh.lua follows, as client.
async Task<LoadResult> RefreshRunAsync(AppProcess server, Dictionary<string, long> rss, string tag, string label, string filePrefix, Uri tokenUrl,
    IReadOnlyList<string> refreshTokens, BenchClient client)
{
    var warmUpTokens = Path.Combine(work, $"{filePrefix}-refresh-warm-up.txt");
    var runTokens = Path.Combine(work, $"{filePrefix}-refresh.txt");
    await File.WriteAllLinesAsync(warmUpTokens, refreshTokens.Take(BenchSizes.RefreshChains));
    await File.WriteAllLinesAsync(runTokens, refreshTokens.Skip(BenchSizes.RefreshChains).Take(BenchSizes.RefreshChains));
    return await WarmedUpRunAsync(server, rss, tag, label, "refresh_token grants", Path.Combine(settings.Scripts, "refresh.lua"), tokenUrl,
        [warmUpTokens, client.ClientId, client.Secret], [runTokens, client.ClientId, client.Secret]);
}

// A load run while the app's resident memory is sampled every 250 ms; the maximum goes into rss under label.
static async Task<LoadResult> Sampled(AppProcess app, Dictionary<string, long> rss, string label, Func<Task<LoadResult>> run)
{
    using var sampling = new CancellationTokenSource();
    var sampler = SampleRssAsync(app, rss, label, sampling.Token);
    var serversBefore = AppCpu.OfPostgreSqlServers();
    var (result, msPerAnswer) = await AppCpu.PerAnswerAsync(app.ProcessId, run);
    var servers = AppCpu.OfPostgreSqlServers() - serversBefore;
    Console.Error.WriteLine($"[{label}] {result.PerSecond:N0}/s, p50 {result.P50Ms:0.00} ms, p99 {result.P99Ms:0.00} ms; app CPU {msPerAnswer * result.Requests / 1000:0.00} s for {result.Requests:N0} answers: {msPerAnswer:0.00} ms per answer" +
        (servers > TimeSpan.Zero ? $"; PostgreSQL server processes {servers.TotalMilliseconds / Math.Max(1, result.Requests):0.00} ms per answer" : ""));
    await sampling.CancelAsync();
    await sampler;
    return result;
}

static async Task SampleRssAsync(AppProcess app, Dictionary<string, long> rss, string label, CancellationToken stop)
{
    var max = 0L;
    while (!stop.IsCancellationRequested)
    {
        max = Math.Max(max, app.ResidentBytes());
        try
        {
            await Task.Delay(250, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }

    rss[label] = Math.Max(max, app.ResidentBytes());
}

static string RssText(IEnumerable<KeyValuePair<string, long>> rss) => string.Join(", ", rss.Select(r => $"{r.Key} {Mb(r.Value)}"));

// The published app in Production with plain http on loopback, over a SQLite file. The port is
// chosen first because the issuer, which Production requires, names it.
Task<AppProcess> StartAsync(BenchDatabase database, bool baseline, string logPath, IReadOnlyDictionary<string, string?>? extra = null) =>
    StartOnAsync(database.AppSettings, baseline, logPath, extra);

// The SQLite file the other measurements (--last-used, --audit-log, --outage) start on; their settings may point elsewhere.
Task<AppProcess> StartOnSqliteFileAsync(string database, bool baseline, string logPath, IReadOnlyDictionary<string, string?>? extra = null) =>
    StartOnAsync(new BenchDatabase(BenchDatabase.Sqlite, $"Data Source={database}").AppSettings, baseline, logPath, extra);

// Last-used tracking and activity counting are named on, whatever the defaults: issue 16 measures with them.
Task<AppProcess> StartOnAsync(IReadOnlyDictionary<string, string?> databaseSettings, bool baseline, string logPath, IReadOnlyDictionary<string, string?>? extra)
{
    var port = FreeLoopbackPort();
    var appSettings = new Dictionary<string, string?>(databaseSettings)
    {
        ["AuthClients:Credentials:TrackLastUsed"] = "true",
        ["Activity:Enabled"] = "true",
        ["OAuthServer:RequireHttps"] = "false",
        ["OAuthServer:Issuer"] = $"http://127.0.0.1:{port}/",
        ["OAuthServer:Performance:Baseline"] = baseline ? "true" : "false",
        ["Bootstrap:AdminEmail"] = BenchAdmin.Email,
        ["Bootstrap:AdminPassword"] = BenchAdmin.Password,
    };
    foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
    {
        appSettings[key] = value;
    }

    return AppProcess.StartAsync(AppLaunch.Published(settings.App) with
    {
        EnvironmentName = "Production",
        Port = port,
        LogPath = logPath,
        Settings = appSettings,
    });
}

static System.Runtime.InteropServices.PosixSignalRegistration ExitOn(System.Runtime.InteropServices.PosixSignal signal, int exitCode) =>
    System.Runtime.InteropServices.PosixSignalRegistration.Create(signal, context =>
    {
        context.Cancel = true;
        Environment.Exit(exitCode);
    });

static int FreeLoopbackPort()
{
    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}

static async Task<(long Rows, string Verifiers)> Inspect(BenchDatabase database)
{
    var rows = Convert.ToInt64(await database.ScalarAsync("SELECT COUNT(*) FROM \"OpenIddictTokens\""), CultureInfo.InvariantCulture);
    await using var connection = await database.OpenAsync();
    await using var kinds = connection.CreateCommand();
    kinds.CommandText = """
        SELECT COUNT(*) FILTER (WHERE c."SecretVerifier" LIKE '$hmac-sha256$%'), COUNT(*) FILTER (WHERE c."SecretVerifier" NOT LIKE '$hmac-sha256$%')
        FROM "AuthClientCredentials" c JOIN "OpenIddictApplications" a ON a."Id" = c."ApplicationId"
        WHERE a."DisplayName" LIKE 'Load test client %'
        """;
    await using var reader = await kinds.ExecuteReaderAsync();
    await reader.ReadAsync();
    return (rows, $"{reader.GetInt64(0)} HMAC, {reader.GetInt64(1)} PBKDF2");
}

static string Mb(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0", CultureInfo.InvariantCulture) + " MB";

static string Sec(TimeSpan t) => t.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

/// <summary>The first administrator of every app the bench starts.</summary>
internal static class BenchAdmin
{
    public const string Email = "bench-admin@example.test";
    public const string Password = "bench-admin-password-42";
}

internal sealed record ServerFigures(LoadResult Tokens, LoadResult Me, LoadResult Ceiling, TimeSpan ColdStart, TimeSpan FirstStart, long TokenRows, string Verifiers,
    LoadResult TokensOneThread, LoadResult Refresh, LoadResult Codes, LoadResult UserMe, string Minting, IReadOnlyDictionary<string, long> Rss);

internal sealed record ListFigures(IReadOnlyList<(string Name, double P95)> Pages, TimeSpan Seeding, string NotUsed, double DashboardP50, double DashboardP95,
    int RoundRobinClients, LoadResult RoundRobin, IReadOnlyDictionary<string, long> Rss);

/// <summary>Issue 16's targets, per provider (its table).</summary>
internal sealed record ProviderTargets(int TokenRatio, int Refresh, int RefreshRatio, int Codes, string Conditions)
{
    public static ProviderTargets For(string provider) => provider == BenchDatabase.PostgreSql
        ? new(10, 1500, 3, 800, "a PostgreSQL server of the bench's own (Unix socket, the server's defaults, max_connections=100)")
        : new(25, 1000, 5, 500, "SQLite files in the work folder (the app's defaults: WAL)");
}

/// <summary>How many of each the runs use.</summary>
internal static class BenchSizes
{
    /// <summary>Refresh tokens each refresh run starts from: the chains its 8 connections take turns on.</summary>
    public const int RefreshChains = 64;

    /// <summary>Codes minted for the exchange run at most, per second of --seconds: more than the highest target (800/s) needs.</summary>
    public const int CodesPerSecond = 1000;

    /// <summary>Codes exchanged in the warm-up, whose rate sizes the run.</summary>
    public const int WarmUpCodes = 200;

    /// <summary>The distinct clients of the round-robin token run (issue 16).</summary>
    public const int RoundRobinClients = 100_000;
}

internal sealed record Settings(string App, string Scripts, int Seconds, int ListClients, string? Out, bool Keep, int TimeLimitMinutes, bool LastUsed, int Rounds, bool Activity = false, bool AuditLog = false, string? Postgres = null, bool Outage = false)
{
    /// <summary>--list-only: only the list page and the round-robin token run (with the seeding time), per provider.</summary>
    public bool ListOnly { get; init; }

    /// <summary>--user-flows: only the refresh_token and authorization_code runs, optimised and baseline, per provider.</summary>
    public bool UserFlowsOnly { get; init; }

    /// <summary>--reference: the published OpenIddict reference server (bench/ReferenceServer) to measure side by side with the app.</summary>
    public string? ReferenceApp { get; init; }

    /// <summary>
    /// --warm-up: seconds of load before the first client_credentials run, the refresh run and the
    /// round robin, so they measure the steady state. A freshly started app spends its first half
    /// minute or so of load re-compiling hot methods (tiered JIT: about half a core on this machine's
    /// 2 cores, measured with dotnet-counters); with 3 s a refresh cost 16 ms of CPU, with 60 s 4.9 ms.
    /// PostgreSQL's server shares the cores, and its refresh needed 90 s (docs/performance.md).
    /// </summary>
    public int WarmUpSeconds { get; init; } = DefaultWarmUpSeconds;

    private const int DefaultWarmUpSeconds = 90;

    /// <summary>--provider Sqlite or PostgreSql; both (SQLite first) without it.</summary>
    public IReadOnlyList<string> Providers { get; init; } = [BenchDatabase.Sqlite, BenchDatabase.PostgreSql];

    public static Settings Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        string Folder(string name, string what) =>
            Value(name) is not { } given ? throw new ArgumentException($"{name} <{what}> is required.")
            : Directory.Exists(given) ? Path.GetFullPath(given)
            : throw new ArgumentException($"{name}: the {what} '{given}' does not exist.");
        var provider = Value("--provider");
        IReadOnlyList<string> providers = provider switch
        {
            null => [BenchDatabase.Sqlite, BenchDatabase.PostgreSql],
            _ when provider.Equals(BenchDatabase.Sqlite, StringComparison.OrdinalIgnoreCase) => [BenchDatabase.Sqlite],
            _ when provider.Equals(BenchDatabase.PostgreSql, StringComparison.OrdinalIgnoreCase) => [BenchDatabase.PostgreSql],
            _ => throw new ArgumentException($"--provider must be Sqlite or PostgreSql, not '{provider}'."),
        };
        return new Settings(
            Folder("--app", "published app folder"),
            Folder("--scripts", "bench folder"), // full: wrk runs in the scripts' folder
            int.Parse(Value("--seconds") ?? "30", CultureInfo.InvariantCulture),
            int.Parse(Value("--list-clients") ?? "1000000", CultureInfo.InvariantCulture),
            Value("--out"),
            args.Contains("--keep"),
            int.Parse(Value("--time-limit-minutes") ?? (args.Contains("--audit-log") || args.Contains("--outage") || args.Contains("--last-used") || args.Contains("--activity") ? "20" : "90"), CultureInfo.InvariantCulture),
            args.Contains("--last-used"),
            int.Parse(Value("--rounds") ?? "3", CultureInfo.InvariantCulture),
            args.Contains("--activity"),
            args.Contains("--audit-log"),
            Value("--postgres"),
            args.Contains("--outage")) { Providers = providers, ListOnly = args.Contains("--list-only"), UserFlowsOnly = args.Contains("--user-flows"),
            ReferenceApp = Value("--reference"),
            WarmUpSeconds = Value("--warm-up") is { } warmUp ? int.Parse(warmUp, CultureInfo.InvariantCulture) : DefaultWarmUpSeconds };
    }
}

internal sealed class Report
{
    private readonly List<string[]> _rows = [];
    private readonly List<string> _notes = [];

    public bool AllPassed { get; private set; } = true;

    public void Row(string measure, string target, string measured, string baseline, double? ratio, bool pass)
    {
        AllPassed &= pass;
        _rows.Add([measure, target, measured, baseline, ratio is { } r ? r.ToString("0.0", CultureInfo.InvariantCulture) + "x" : "-", pass ? "PASS" : "FAIL"]);
    }

    /// <summary>A row without a target: the app's figure against another server's, in the baseline column.</summary>
    public void Comparison(string measure, string measured, string other, double? ratio) =>
        _rows.Add([measure, "-", measured, other, ratio is { } r ? r.ToString("0.0", CultureInfo.InvariantCulture) + "x" : "-", "-"]);

    public void Note(string note) => _notes.Add(note);

    /// <summary>A heading row: the rows after it are measured on <paramref name="title"/>.</summary>
    public void Section(string title) => _rows.Add([$"**{title}**", "", "", "", "", ""]);

    public string Render()
    {
        string[] header = ["measure", "target", "measured", "baseline", "vs baseline", "result"];
        var text = new StringBuilder();
        text.AppendLine("| " + string.Join(" | ", header) + " |");
        text.AppendLine("|" + string.Concat(header.Select(_ => "---|")));
        foreach (var row in _rows)
        {
            text.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        text.AppendLine();
        foreach (var note in _notes)
        {
            text.AppendLine("- " + note);
        }

        return text.ToString();
    }
}
