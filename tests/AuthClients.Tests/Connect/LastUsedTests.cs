using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Tests.Shared;
using AuthClients.Web.Connect;
using AuthClients.Web.Data;
using AuthClients.Web.Features.AuthClients;
using Duende.IdentityModel.Client;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuthClients.Tests.Connect;

/// <summary>
/// Issue 13, "Last used, without a write per token": each client's and credential's last use (time
/// to the minute, address) is gathered in memory and written by <see cref="ClientUsageFlush"/> in one
/// batch; a flush never moves a time back, so the latest use wins across instances; nothing recorded
/// is lost to a failed flush or a graceful stop. The flush interval is set long here, and each test
/// flushes when it wants to, so the timer never flushes in the middle of one.
/// </summary>
public sealed class LastUsedTests
{
    private const string FlushInterval = "AuthClients:Credentials:LastUsedFlushInterval";
    private const string CommandCategory = "Microsoft.EntityFrameworkCore.Database.Command";
    private static readonly IPAddress Caller = IPAddress.Parse("192.0.2.10");

    [Fact]
    public async Task TokenRequest_AfterAFlush_SetsTheClientsAndTheCredentialsLastUsed()
    {
        await using var app = App();
        app.RemoteIpAddress = Caller;
        var client = await app.RegisterClientAsync();
        var before = Minute(DateTime.UtcNow);

        Assert.False((await app.CreateClient().RequestClientTokenAsync(client)).IsError);
        Assert.Equal(new LastUse(null, null, null, null), await ReadAsync(app, client));
        Assert.True(await FlushAsync(app));

        var used = await ReadAsync(app, client);
        Assert.InRange(used.ClientAt!.Value, before, Minute(DateTime.UtcNow));
        Assert.Equal(used.ClientAt, used.CredentialAt);
        Assert.Equal("192.0.2.10", used.ClientFrom);
        Assert.Equal("192.0.2.10", used.CredentialFrom);
    }

    [Fact]
    public async Task TokenRequest_IsWrittenByTheTimer_WithinTheFlushInterval()
    {
        await using var app = App(settings: new() { [FlushInterval] = "00:00:01" });
        var client = await app.RegisterClientAsync();

        Assert.False((await app.CreateClient().RequestClientTokenAsync(client)).IsError);

        // One interval, and ample slack for a loaded machine; nothing here flushes but the app's own timer.
        await Polling.Eventually(async () => (await ReadAsync(app, client)).CredentialAt is not null, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100),
            "The timer of a 1 s interval wrote nothing");

        Assert.NotNull((await ReadAsync(app, client)).ClientAt);
    }

    [Fact]
    public async Task FiftyTokenRequests_WriteNothing_UntilOneFlushUpdatesTheClientAndTheCredentialOnce()
    {
        await using var app = App();
        var client = await app.RegisterClientAsync();
        var http = app.CreateClient();
        var updatesBefore = Updates(app);

        for (var i = 0; i < 50; i++)
        {
            Assert.False((await http.RequestClientTokenAsync(client)).IsError);
        }

        Assert.Equal(0, Updates(app) - updatesBefore);
        Assert.True(await FlushAsync(app));

        Assert.Equal(2, Updates(app) - updatesBefore); // the client's row and the credential's
        Assert.True(await FlushAsync(app));
        Assert.Equal(2, Updates(app) - updatesBefore); // nothing new: nothing written
    }

    [Fact]
    public async Task OlderBatch_FlushedAfterANewerOne_KeepsTheNewer()
    {
        await using var app = App();
        var client = await app.RegisterClientAsync();
        var credentialId = await CredentialIdAsync(app, client);
        var newer = Minute(DateTime.UtcNow);
        var usage = app.Services.GetRequiredService<ClientUsage>();

        usage.Return(Batch(client.Id, newer, "198.51.100.2"), Batch(credentialId, newer, "198.51.100.2"));
        Assert.True(await FlushAsync(app));
        usage.Return(Batch(client.Id, newer.AddMinutes(-5), "198.51.100.1"), Batch(credentialId, newer.AddMinutes(-5), "198.51.100.1"));
        Assert.True(await FlushAsync(app));

        Assert.Equal(new LastUse(newer, "198.51.100.2", newer, "198.51.100.2"), await ReadAsync(app, client));
    }

    [Fact]
    public async Task FlushOfMoreRowsThanOneCommandHolds_WritesEachRowsOwnUse_AndMovesNoneBack()
    {
        // 205 clients: more than the 200 rows the flush puts in one command, so two commands per table.
        await using var app = App();
        var clients = new List<RegisteredClient>();
        for (var i = 0; i < 205; i++)
        {
            clients.Add(await app.RegisterClientAsync());
        }

        var credentials = new List<string>();
        foreach (var client in clients)
        {
            credentials.Add(await CredentialIdAsync(app, client));
        }

        var now = Minute(DateTime.UtcNow);
        var usage = app.Services.GetRequiredService<ClientUsage>();

        // The first client was used later than the batch below says: the batch must not move it back.
        usage.Return(Batch(clients[0].Id, now, "198.51.100.250"), new Dictionary<string, ClientUsage.Use>());
        Assert.True(await FlushAsync(app), FlushErrors(app));

        // Each row its own minute; every third with no address (a caller whose address was unknown).
        ClientUsage.Use UseOf(int i) => new(now.AddMinutes(-1 - i), i % 3 == 0 ? null : $"198.51.100.{i}");
        usage.Return(
            clients.Select((c, i) => (c.Id, Use: UseOf(i))).ToDictionary(x => x.Id, x => x.Use),
            credentials.Select((id, i) => (id, Use: UseOf(i))).ToDictionary(x => x.id, x => x.Use));
        var updatesBefore = Updates(app);
        Assert.True(await FlushAsync(app), FlushErrors(app));

        Assert.Equal(4, Updates(app) - updatesBefore); // two commands per table, not one per row
        var wrong = new List<string>();
        for (var i = 0; i < clients.Count; i++)
        {
            var use = UseOf(i);
            var expected = i == 0
                ? new LastUse(now, "198.51.100.250", use.At, use.From)
                : new LastUse(use.At, use.From, use.At, use.From);
            if (await ReadAsync(app, clients[i]) is var read && read != expected)
            {
                wrong.Add($"client {i}: {read}, expected {expected}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong.Take(10)));
    }

    [Fact]
    public async Task GracefulStop_WritesWhatWasGathered()
    {
        using var database = TestDatabase.Create();
        RegisteredClient client;
        await using (var app = App(database))
        {
            app.RemoteIpAddress = Caller;
            client = await app.RegisterClientAsync();
            Assert.False((await app.CreateClient().RequestClientTokenAsync(client)).IsError);
        }

        // The app is gone: read what it left in the database.
        await using var db = database.OpenContext();
        var used = await ReadAsync(db, client);
        Assert.NotNull(used.ClientAt);
        Assert.NotNull(used.CredentialAt);
        Assert.Equal("192.0.2.10", used.ClientFrom);
        Assert.Equal("192.0.2.10", used.CredentialFrom);
    }

    [Fact]
    public async Task DatabaseFailure_DuringAFlush_LosesNothing_AndIsLoggedOnce()
    {
        await using var app = App();
        app.RemoteIpAddress = Caller;
        var client = await app.RegisterClientAsync();
        Assert.False((await app.CreateClient().RequestClientTokenAsync(client)).IsError);

        // The credentials table is gone for a while: the flush fails after it updated the client,
        // so the transaction rolls back the client's row too.
        await ExecuteSqlAsync(app, """ALTER TABLE "AuthClientCredentials" RENAME TO "AuthClientCredentialsAway" """);
        Assert.False(await FlushAsync(app));
        Assert.False(await FlushAsync(app));
        Assert.Equal(new LastUse(null, null, null, null), await ReadAsync(app, client, "AuthClientCredentialsAway"));
        Assert.Single(app.LogEntries, e => e.Category == typeof(ClientUsageFlush).FullName && e.Level == LogLevel.Warning);

        await ExecuteSqlAsync(app, """ALTER TABLE "AuthClientCredentialsAway" RENAME TO "AuthClientCredentials" """);
        Assert.True(await FlushAsync(app));

        var used = await ReadAsync(app, client);
        Assert.NotNull(used.ClientAt);
        Assert.NotNull(used.CredentialAt);
        Assert.Equal("192.0.2.10", used.CredentialFrom);
        Assert.Contains(app.LogEntries, e => e.Category == typeof(ClientUsageFlush).FullName && e.Message.Contains("after 2 failed flushes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PublicClient_CodeAndRefreshTokenResponses_AreRecordedWithoutACredential()
    {
        await using var app = App();
        app.RemoteIpAddress = Caller;
        var client = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true, isPublic: true);
        var email = await app.CreateUserAsync();
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), client);
        var backChannel = app.CreateClient();

        var tokens = await driver.RedeemAsync(backChannel, await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword));
        Assert.False(tokens.IsError, tokens.Raw);
        Assert.True(await FlushAsync(app));
        var redeemed = await ReadAsync(app, client);
        Assert.NotNull(redeemed.ClientAt);
        Assert.Equal("192.0.2.10", redeemed.ClientFrom);
        Assert.Null(redeemed.CredentialAt); // a public client has none

        // The refresh token grant too: forget the use, refresh, flush.
        await ExecuteSqlAsync(app, $"""UPDATE "OpenIddictApplications" SET "LastUsedAt" = NULL, "LastUsedFrom" = NULL WHERE "Id" = '{client.Id}'""");
        app.RemoteIpAddress = IPAddress.Parse("192.0.2.11");
        var renewed = await backChannel.RequestRefreshTokenAsync(new RefreshTokenRequest { Address = "/connect/token", ClientId = client.ClientId, RefreshToken = tokens.RefreshToken! });
        Assert.False(renewed.IsError, renewed.Raw);
        Assert.True(await FlushAsync(app));
        var used = await ReadAsync(app, client);
        Assert.NotNull(used.ClientAt);
        Assert.Equal("192.0.2.11", used.ClientFrom);
    }

    [Fact]
    public async Task RefusedTokenRequest_IsNotRecorded()
    {
        await using var app = App();
        var client = await app.RegisterClientAsync();

        Assert.True((await app.CreateClient().RequestClientTokenAsync(client with { Secret = client.Secret + "x" })).IsError);
        Assert.True(await FlushAsync(app));

        Assert.Equal(new LastUse(null, null, null, null), await ReadAsync(app, client));
    }

    [Fact]
    public async Task TrackLastUsedOff_RecordsAndWritesNothing()
    {
        await using var app = App(settings: new() { ["AuthClients:Credentials:TrackLastUsed"] = "false" });
        var client = await app.RegisterClientAsync();

        Assert.False((await app.CreateClient().RequestClientTokenAsync(client)).IsError);
        Assert.True(await FlushAsync(app));

        Assert.Equal(0, app.Services.GetRequiredService<ClientUsage>().PendingCount);
        Assert.Equal(new LastUse(null, null, null, null), await ReadAsync(app, client));
    }

    [Fact]
    public async Task ForwardedFor_FromAConfiguredProxy_IsTheAddressRecorded()
    {
        var used = await UseThroughProxyAsync(new() { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" });

        Assert.Equal("203.0.113.7", used.ClientFrom);
        Assert.Equal("203.0.113.7", used.CredentialFrom);
    }

    [Fact]
    public async Task ForwardedFor_FromAnUntrustedPeer_IsIgnored()
    {
        var used = await UseThroughProxyAsync(new() { ["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/8" });

        Assert.Equal("127.0.0.1", used.ClientFrom);
        Assert.Equal("127.0.0.1", used.CredentialFrom);
    }

    /// <summary>
    /// Two instances on one PostgreSQL database (<c>AUTHCLIENTS_TEST_POSTGRES</c>, as the ScaleOut
    /// tests): B's use is three minutes later than A's (its clock says so), B flushes first, A
    /// after it: the database keeps B's.
    /// </summary>
    [Fact]
    public void Record_OfTheSameMinuteAndAddress_AllocatesNothing()
    {
        var http = new HttpContextAccessor { HttpContext = new DefaultHttpContext() };
        http.HttpContext.Connection.RemoteIpAddress = IPAddress.Parse("::ffff:192.0.2.10"); // an IPv4 client of a dual-stack listener
        var usage = new ClientUsage(http, TimeProvider.System, Options.Create(new CredentialOptions()));
        long allocated;
        DateTime minute;
        do
        {
            // Again if the minute turned meanwhile: the first use of a new minute is a new entry.
            minute = Minute(DateTime.UtcNow);
            usage.Record("client", "credential");
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
            {
                usage.Record("client", "credential");
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        while (Minute(DateTime.UtcNow) != minute);

        Assert.Equal(0, allocated);
        var (clients, credentials) = usage.TakeBatch();
        Assert.Equal("192.0.2.10", clients["client"].From);
        Assert.Equal(clients["client"], credentials["credential"]);
    }

    [Fact]
    public async Task TwoInstancesOnPostgreSql_TheLaterUseWins_WhicheverFlushesLast()
    {
        using var database = TestDatabase.CreatePostgreSql();
        await using var a = App(database, clockShift: TimeSpan.Zero);
        a.RemoteIpAddress = IPAddress.Parse("198.51.100.1");
        var client = await a.RegisterClientAsync();
        await using var b = App(database, clockShift: TimeSpan.FromMinutes(3));
        b.RemoteIpAddress = IPAddress.Parse("198.51.100.2");

        Assert.False((await b.CreateClient().RequestClientTokenAsync(client)).IsError);
        Assert.False((await a.CreateClient().RequestClientTokenAsync(client)).IsError);
        Assert.True(await FlushAsync(b));
        Assert.True(await FlushAsync(a));

        var used = await ReadAsync(a, client);
        Assert.Equal("198.51.100.2", used.ClientFrom);
        Assert.Equal("198.51.100.2", used.CredentialFrom);
        Assert.True(used.ClientAt > Minute(DateTime.UtcNow).AddMinutes(1), $"{used.ClientAt:O} is A's use, not B's later one.");
        Assert.Equal(used.ClientAt, used.CredentialAt);
    }

    private sealed record LastUse(DateTime? ClientAt, string? ClientFrom, DateTime? CredentialAt, string? CredentialFrom);

    private static AuthClientsAppFactory App(TestDatabase? database = null, Dictionary<string, string?>? settings = null, TimeSpan? clockShift = null)
    {
        var all = new Dictionary<string, string?> { [FlushInterval] = "00:10:00" };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        Action<IServiceCollection>? services = clockShift is { } shift
            ? s => s.AddSingleton(sp => new ClientUsage(sp.GetRequiredService<IHttpContextAccessor>(), new ShiftedClock(shift), sp.GetRequiredService<IOptions<CredentialOptions>>()))
            : null;
        return database is null
            ? new AuthClientsAppFactory { Settings = all, TestServices = services }
            : new AuthClientsAppFactory { Database = database, Settings = all, TestServices = services };
    }

    /// <summary>A real port (Kestrel), so the app sees the peer's real address: 127.0.0.1, as a proxy on this machine would be.</summary>
    private static async Task<LastUse> UseThroughProxyAsync(Dictionary<string, string?> settings)
    {
        await using var app = new AuthClientsAppFactory { ListenOnLoopback = true, Settings = { [FlushInterval] = "00:10:00" } };
        foreach (var (key, value) in settings)
        {
            app.Settings[key] = value;
        }

        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var client = await app.RegisterClientAsync();
        using var request = new ClientCredentialsTokenRequest { Address = "/connect/token", ClientId = client.ClientId, ClientSecret = client.Secret };
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        Assert.False((await http.RequestClientCredentialsTokenAsync(request)).IsError);
        Assert.True(await FlushAsync(app));
        return await ReadAsync(app, client);
    }

    /// <summary>Why a flush failed, as the app logged it.</summary>
    private static string FlushErrors(AuthClientsAppFactory app) =>
        string.Join('\n', app.LogEntries.Where(e => e.Exception is not null).Select(e => $"{e.Message} {e.Exception}"));

    private static Task<bool> FlushAsync(AuthClientsAppFactory app) => app.Services.GetRequiredService<ClientUsageFlush>().FlushAsync();

    private static Task<LastUse> ReadAsync(AuthClientsAppFactory app, RegisteredClient client, string credentialsTable = "AuthClientCredentials") =>
        app.WithServicesAsync(services => ReadAsync(services.GetRequiredService<AppDbContext>(), client, credentialsTable));

    private static async Task<LastUse> ReadAsync(AppDbContext db, RegisteredClient client, string credentialsTable = "AuthClientCredentials")
    {
        var application = await db.AuthClients.AsNoTracking().Where(a => a.Id == client.Id).Select(a => new { a.LastUsedAt, a.LastUsedFrom }).SingleAsync();
        var credential = credentialsTable == "AuthClientCredentials"
            ? await db.AuthClientCredentials.AsNoTracking().Where(c => c.ApplicationId == client.Id).Select(c => new { c.LastUsedAt, c.LastUsedFrom }).SingleOrDefaultAsync()
            : null; // the table is renamed: only the client's row can be read
        return new LastUse(application.LastUsedAt, application.LastUsedFrom, credential?.LastUsedAt, credential?.LastUsedFrom);
    }

    private static Task<string> CredentialIdAsync(AuthClientsAppFactory app, RegisteredClient client) =>
        app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().AuthClientCredentials
            .Where(c => c.ApplicationId == client.Id).Select(c => c.Id).SingleAsync());

    private static Task<int> ExecuteSqlAsync(AuthClientsAppFactory app, string sql) =>
        app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().Database.ExecuteSqlRawAsync(sql));

    /// <summary>UPDATE statements the app sent to the last-used columns' tables, from EF Core's command log.</summary>
    private static int Updates(AuthClientsAppFactory app) =>
        app.LogEntries.Count(e => e.Category == CommandCategory
            && e.Message.StartsWith("Executed DbCommand", StringComparison.Ordinal) // not also the "Executing" entry before it
            && e.Message.Contains("UPDATE ", StringComparison.Ordinal)
            && (e.Message.Contains("OpenIddictApplications", StringComparison.Ordinal) || e.Message.Contains("AuthClientCredentials", StringComparison.Ordinal)));

    private static Dictionary<string, ClientUsage.Use> Batch(string id, DateTime at, string from) => new() { [id] = new ClientUsage.Use(at, from) };

    private static DateTime Minute(DateTime time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Utc);
}
