using System.Data.Common;
using System.Diagnostics.Metrics;
using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Connect;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Activity;
using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Hosting;
using Duende.IdentityModel.Client;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace AuthClients.Tests.Activity;

/// <summary>
/// Issue 14, per-client activity: tokens per grant type and refusals per reason are counted in
/// memory and written by the flush (<see cref="ClientUsageFlush"/>), never one write per token; each
/// refusal keeps its reason, time and address, and the caller still hears exactly what it heard
/// before. The flush interval is long here: each test flushes when it wants to.
/// </summary>
public sealed class ActivityRecordingTests
{
    private const string FlushInterval = "AuthClients:Credentials:LastUsedFlushInterval";
    private const string CommandCategory = "Microsoft.EntityFrameworkCore.Database.Command";
    private static readonly IPAddress Caller = IPAddress.Parse("192.0.2.10");

    public static TheoryData<string> Reasons => [.. FailureReasons.Descriptions.Keys];

    [Theory]
    [MemberData(nameof(Reasons))]
    public async Task Refusal_IsRecordedWithItsReasonTimeAndAddress_AndTheCallerHearsWhatItHeardBefore(string reason)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = App(clock: clock);
        app.RemoteIpAddress = Caller;
        var http = app.CreateClient();
        var witness = await app.RegisterClientAsync();
        var wrongSecretAnswer = await http.RequestClientTokenAsync(witness with { Secret = "not-the-secret" });

        var (clientId, refused) = await RefuseAsync(app, http, clock, reason);
        var expected = reason switch
        {
            FailureReasons.GrantNotAllowed => (HttpStatusCode.BadRequest, "unauthorized_client"),
            FailureReasons.UnknownScope => (HttpStatusCode.BadRequest, "invalid_scope"),
            _ => (HttpStatusCode.Unauthorized, "invalid_client"),
        };
        Assert.Equal(expected, (refused.HttpStatusCode, refused.ErrorCode() ?? ""));
        if (expected.Item2 == "invalid_client")
        {
            Assert.Equal(wrongSecretAnswer.Raw, refused.Raw); // the reason is the administrator's, never the caller's
        }

        Assert.Empty(await FailuresAsync(app, clientId));
        Assert.True(await FlushAsync(app));

        var failure = Assert.Single(await FailuresAsync(app, clientId));
        Assert.Equal(reason, failure.Reason);
        Assert.InRange(failure.OccurredAt, clock.GetUtcNow().UtcDateTime.AddMilliseconds(-1), clock.GetUtcNow().UtcDateTime.AddMilliseconds(1));
        Assert.Equal("192.0.2.10", failure.IpAddress);
        Assert.Equal("client_credentials", failure.GrantType);
        var count = Assert.Single(await FailureCountsAsync(app, clientId));
        Assert.Equal((reason, ClientActivity.Hour(clock.GetUtcNow().UtcDateTime), 1L), (count.Reason, Utc(count.Hour), count.Count));
    }

    [Fact]
    public async Task WrongSecret_AtIntrospectionAndRevocation_IsRecordedUnderTheEndpoint()
    {
        await using var app = App();
        var http = app.CreateClient();
        var client = await app.RegisterClientAsync();
        var wrong = client with { Secret = "not-the-secret" };

        Assert.True((await http.IntrospectAsync(wrong, "some-token")).IsError);
        Assert.True((await http.RevokeTokenAsync(new TokenRevocationRequest { Address = "/connect/revoke", ClientId = wrong.ClientId, ClientSecret = wrong.Secret, Token = "some-token" })).IsError);
        Assert.True(await FlushAsync(app));

        var failures = await FailuresAsync(app, client.ClientId);
        Assert.Equal(["introspection", "revocation"], failures.Select(f => f.GrantType).Order(StringComparer.Ordinal));
        Assert.All(failures, f => Assert.Equal(FailureReasons.WrongSecret, f.Reason));
    }

    [Fact]
    public async Task Tokens_AreCountedPerGrantType()
    {
        await using var app = App();
        var http = app.CreateClient();
        var client = await app.RegisterClientAsync(password: true);
        var email = await app.CreateUserAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.False((await http.RequestClientTokenAsync(client)).IsError);
        }

        for (var i = 0; i < 2; i++)
        {
            var token = await http.RequestPasswordTokenAsync(client, email, AuthClientsAppFactory.UserPassword);
            Assert.False(token.IsError, token.Raw);
        }

        // A public client: the authorization code grant, then the refresh token grant.
        var spa = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true, isPublic: true);
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), spa);
        var tokens = await driver.RedeemAsync(http, await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword));
        Assert.False(tokens.IsError, tokens.Raw);
        Assert.False((await http.RequestRefreshTokenAsync(new RefreshTokenRequest { Address = "/connect/token", ClientId = spa.ClientId, RefreshToken = tokens.RefreshToken! })).IsError);
        Assert.True(await FlushAsync(app));

        Assert.Equal([("client_credentials", 3L), ("password", 2L)], await TokenCountsAsync(app, client.ClientId));
        Assert.Equal([("authorization_code", 1L), ("refresh_token", 1L)], await TokenCountsAsync(app, spa.ClientId));
    }

    [Fact]
    public async Task FiftyTokens_WriteNothing_UntilOneFlushWritesOneRowOfFifty()
    {
        // A clock that stays in one hour: a new hour is a new row, and the writes counted below would double.
        await using var app = App(clock: new FakeTimeProvider(DateTimeOffset.UtcNow));
        var http = app.CreateClient();
        var client = await app.RegisterClientAsync();
        var writesBefore = ActivityWrites(app);

        for (var i = 0; i < 50; i++)
        {
            Assert.False((await http.RequestClientTokenAsync(client)).IsError);
        }

        Assert.Equal(0, ActivityWrites(app) - writesBefore);
        Assert.Empty(await TokenCountsAsync(app, client.ClientId));
        Assert.True(await FlushAsync(app));

        Assert.Equal([("client_credentials", 50L)], await TokenCountsAsync(app, client.ClientId));
        var afterFirst = ActivityWrites(app);
        Assert.InRange(afterFirst - writesBefore, 1, 2); // an update that found no row, and its insert

        Assert.False((await http.RequestClientTokenAsync(client)).IsError);
        Assert.True(await FlushAsync(app));
        Assert.Equal([("client_credentials", 51L)], await TokenCountsAsync(app, client.ClientId)); // added to the row
        Assert.Equal(1, ActivityWrites(app) - afterFirst);
    }

    [Fact]
    public async Task FlushOfMoreCountsThanOneCommandHolds_AddsToTheRowsThatExist_AndInsertsTheOthers()
    {
        // 205 clients: more than the 200 counts the flush puts in one command.
        await using var app = App(clock: new FakeTimeProvider(DateTimeOffset.UtcNow));
        var activity = app.Services.GetRequiredService<ClientActivity>();
        string ClientId(int i) => $"batch-client-{i:D3}";

        // The even ones already have this hour's row.
        for (var i = 0; i < 205; i += 2)
        {
            activity.TokenIssued(ClientId(i), "client_credentials");
        }

        Assert.True(await FlushAsync(app));

        for (var i = 0; i < 205; i++)
        {
            for (var n = 0; n <= i % 3; n++)
            {
                activity.TokenIssued(ClientId(i), "client_credentials");
            }
        }

        var writesBefore = ActivityWrites(app);
        Assert.True(await FlushAsync(app));

        Assert.Equal(2, ActivityWrites(app) - writesBefore); // two commands, not one or two per row
        var wrong = new List<string>();
        for (var i = 0; i < 205; i++)
        {
            var expected = (i % 2 == 0 ? 1L : 0L) + (i % 3) + 1;
            if (await TokenCountsAsync(app, ClientId(i)) is var counts && counts.SequenceEqual([("client_credentials", expected)]) is false)
            {
                wrong.Add($"{ClientId(i)}: {string.Join(", ", counts)}, expected {expected}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong.Take(10)));
    }

    [Fact]
    public async Task LatestFailures_AreKeptUpToFailuresKept_NewestFirst_WhileTheCountsKeepEveryOne()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = App(clock: clock, settings: new() { ["Activity:FailuresKept"] = "3" });
        var http = app.CreateClient();
        var client = await app.RegisterClientAsync();
        var wrong = client with { Secret = "not-the-secret" };
        var times = new List<DateTime>();

        for (var i = 0; i < 7; i++)
        {
            if (i == 4)
            {
                Assert.True(await FlushAsync(app)); // 4 in the first batch (3 kept), 3 in the second
            }

            clock.Advance(TimeSpan.FromSeconds(1));
            times.Add(clock.GetUtcNow().UtcDateTime);
            Assert.True((await http.RequestClientTokenAsync(wrong)).IsError);
        }

        Assert.True(await FlushAsync(app));

        var kept = await FailuresAsync(app, client.ClientId);
        Assert.Equal(times.TakeLast(3).Reverse().Select(Second), kept.Select(f => Second(f.OccurredAt)));
        Assert.Equal(7, (await FailureCountsAsync(app, client.ClientId)).Sum(c => c.Count));
    }

    [Fact]
    public async Task DatabaseFailure_DuringAFlush_PutsTheBatchBack_AndNothingIsCountedTwice()
    {
        await using var app = App();
        var http = app.CreateClient();
        var client = await app.RegisterClientAsync();
        Assert.False((await http.RequestClientTokenAsync(client)).IsError);
        Assert.True((await http.RequestClientTokenAsync(client with { Secret = "not-the-secret" })).IsError);

        // The failures table is gone for a while: the counts written before it roll back with the transaction.
        await ExecuteSqlAsync(app, """ALTER TABLE "ClientFailures" RENAME TO "ClientFailuresAway" """);
        Assert.False(await FlushAsync(app));
        Assert.False((await http.RequestClientTokenAsync(client)).IsError);
        Assert.False(await FlushAsync(app));
        Assert.Empty(await TokenCountsAsync(app, client.ClientId));
        Assert.Single(app.LogEntries, e => e.Category == typeof(ClientUsageFlush).FullName && e.Level == LogLevel.Warning);

        await ExecuteSqlAsync(app, """ALTER TABLE "ClientFailuresAway" RENAME TO "ClientFailures" """);
        Assert.True(await FlushAsync(app));

        Assert.Equal([("client_credentials", 2L)], await TokenCountsAsync(app, client.ClientId));
        Assert.Single(await FailuresAsync(app, client.ClientId));
        Assert.Equal(1, Assert.Single(await FailureCountsAsync(app, client.ClientId)).Count);
    }

    [Fact]
    public async Task CountingOff_RecordsNothing_ButLastUseIsStillWritten()
    {
        await using var app = App(settings: new() { ["Activity:Enabled"] = "false" });
        var http = app.CreateClient();
        var client = await app.RegisterClientAsync();

        Assert.False((await http.RequestClientTokenAsync(client)).IsError);
        Assert.True((await http.RequestClientTokenAsync(client with { Secret = "not-the-secret" })).IsError);
        Assert.Equal(0, app.Services.GetRequiredService<ClientActivity>().PendingCount);
        Assert.True(await FlushAsync(app));

        Assert.Empty(await TokenCountsAsync(app, client.ClientId));
        Assert.Empty(await FailuresAsync(app, client.ClientId));
        Assert.NotNull(await app.WithServicesAsync(s => s.GetRequiredService<AppDbContext>().AuthClients.Where(a => a.Id == client.Id).Select(a => a.LastUsedAt).SingleAsync()));
    }

    [Fact]
    public async Task LastUseTrackingOff_TheTimerStillWritesTheCounts()
    {
        await using var app = App(settings: new() { ["AuthClients:Credentials:TrackLastUsed"] = "false", [FlushInterval] = "00:00:01" });
        var client = await app.RegisterClientAsync();

        Assert.False((await app.CreateClient().RequestClientTokenAsync(client)).IsError);

        // Nothing here flushes but the app's own timer: one interval, and ample slack for a loaded machine.
        await Polling.Eventually(async () => (await TokenCountsAsync(app, client.ClientId)).Count > 0, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100),
            "The timer of a 1 s interval wrote no count");

        Assert.Equal([("client_credentials", 1L)], await TokenCountsAsync(app, client.ClientId));
    }

    [Fact]
    public async Task GracefulStop_WritesWhatWasCounted()
    {
        using var database = TestDatabase.Create();
        RegisteredClient client;
        await using (var app = App(database))
        {
            client = await app.RegisterClientAsync();
            Assert.False((await app.CreateClient().RequestClientTokenAsync(client)).IsError);
        }

        await using var db = database.OpenContext();
        Assert.Equal(1, await db.ClientTokenCounts.Where(c => c.ClientId == client.ClientId).SumAsync(c => c.Count));
    }

    [Fact]
    public async Task UnknownClientIds_AreCutTo100PrintableCharacters()
    {
        await using var app = App();
        var sent = "unknown\n" + new string('x', 150);

        var refused = await app.CreateClient().RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = "/connect/token",
            ClientId = sent,
            ClientSecret = "whatever",
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
        });
        Assert.Equal("invalid_client", refused.ErrorCode());
        Assert.True(await FlushAsync(app));

        var kept = "unknown?" + new string('x', 92);
        var failure = Assert.Single(await FailuresAsync(app, kept));
        Assert.Equal(FailureReasons.UnknownClient, failure.Reason);
    }

    /// <summary>
    /// Random Client IDs, more than the caps: what waits for a flush stays bounded, the excess is
    /// dropped (the metrics still count it), and that is logged once per flush, not per failure.
    /// </summary>
    [Fact]
    public async Task ManyRandomClientIds_AreCappedPerFlush_AndTheDropIsLoggedOnce()
    {
        await using var app = App();
        var activity = app.Services.GetRequiredService<ClientActivity>();
        const int sent = ClientActivity.MaxCountKeys + 2_000;

        for (var i = 0; i < sent; i++)
        {
            activity.AuthenticationFailed($"random-{Guid.NewGuid():N}", FailureReasons.UnknownClient, "client_credentials");
        }

        Assert.Equal(ClientActivity.MaxCountKeys + ClientActivity.MaxFailures, activity.PendingCount);
        var batch = activity.TakeBatch();
        Assert.Equal(ClientActivity.MaxCountKeys, batch.FailureCounts.Count);
        Assert.Equal(ClientActivity.MaxFailures, batch.Failures.Count);
        var dropped = Assert.Single(app.LogEntries, e => e.Category == typeof(ClientActivity).FullName && e.Level == LogLevel.Warning);
        Assert.Contains("2000 failure counts and 2000 failed authentications", dropped.Message, StringComparison.Ordinal);

        // The next period starts empty, and a quiet period logs nothing.
        activity.AuthenticationFailed("random-after", FailureReasons.UnknownClient, "client_credentials");
        Assert.Single(activity.TakeBatch().Failures);
        Assert.Single(app.LogEntries, e => e.Category == typeof(ClientActivity).FullName && e.Level == LogLevel.Warning);
    }

    /// <summary>
    /// More clients ask for tokens within one flush interval than the counts can hold (a round robin
    /// over many clients): the flush comes early, when half the cap is held, not at the interval's end
    /// (10 minutes here), and every token is counted in the database; nothing is dropped.
    /// </summary>
    [Fact]
    public async Task MoreClientsThanTheCapWithinOneInterval_AreFlushedEarly_AndNoTokenCountIsDropped()
    {
        await using var app = App();
        var activity = app.Services.GetRequiredService<ClientActivity>();
        const int rounds = 3, perRound = ClientActivity.FlushEarlyAt + 1_000;
        Assert.True(rounds * perRound > ClientActivity.MaxCountKeys);

        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < perRound; i++)
            {
                activity.TokenIssued($"many-{round}-{i}", "client_credentials");
            }

            // Each early flush writes what was held when it took the batch: at least FlushEarlyAt
            // counts. What came after its take stays held and starts the next round's count, so the
            // next mark may be passed before the round's last counts (without the early flush, the
            // next round would pass the cap and drop counts; the end checks that none was dropped).
            var expected = (round + 1) * ClientActivity.FlushEarlyAt;
            await Polling.Eventually(async () => await CountedAsync(app) >= expected, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50), $"round {round}: no early flush");
        }

        Assert.True(await FlushAsync(app));
        Assert.Equal(rounds * perRound, await CountedAsync(app));
        Assert.DoesNotContain(app.LogEntries, e => e.Category == typeof(ClientActivity).FullName && e.Level == LogLevel.Warning);

        static Task<long> CountedAsync(AuthClientsAppFactory app) => app.WithServicesAsync(s => s.GetRequiredService<AppDbContext>().ClientTokenCounts.AsNoTracking()
            .Where(c => c.ClientId.StartsWith("many-")).SumAsync(c => c.Count));
    }

    [Fact]
    public async Task ClientsAlreadyHeld_CannotGrowTheFailuresPastTheCap()
    {
        await using var app = App();
        var activity = app.Services.GetRequiredService<ClientActivity>();
        var clients = ClientActivity.MaxFailures / 10;

        // Each client first once (all fit), then each many more times than FailuresKept.
        for (var round = 0; round < 150; round++)
        {
            for (var i = 0; i < clients; i++)
            {
                activity.AuthenticationFailed($"held-{i}", FailureReasons.WrongSecret, "client_credentials");
            }
        }

        var batch = activity.TakeBatch();
        Assert.Equal(ClientActivity.MaxFailures, batch.Failures.Count);
        Assert.All(batch.Failures.GroupBy(f => f.ClientId), g => Assert.True(g.Count() <= 100, $"{g.Key} holds {g.Count()}"));

        // A batch returned after a failed write stays under the same cap, with what came since.
        for (var i = 0; i < clients; i++)
        {
            activity.AuthenticationFailed($"later-{i}", FailureReasons.WrongSecret, "client_credentials");
        }

        activity.Return(batch);
        Assert.Equal(ClientActivity.MaxFailures, activity.TakeBatch().Failures.Count);
    }

    [Theory]
    [InlineData(99)]
    [InlineData(100)]
    public async Task AClientIdCutInsideAnEmoji_IsStoredWithoutHalfACharacter_AndTheFlushStillWrites(int prefix)
    {
        await using var app = App();
        var clientId = new string('a', prefix) + "\U0001F600" + "tail";
        using var http = app.CreateClient();
        var refused = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest { Address = "/connect/token", ClientId = clientId, ClientSecret = "whatever" });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.HttpStatusCode);

        Assert.True(await app.Services.GetRequiredService<ClientUsageFlush>().FlushAsync());
        var stored = Assert.Single(await app.WithServicesAsync(sp => sp.GetRequiredService<AppDbContext>().ClientFailures.Select(f => f.ClientId).ToListAsync()));
        Assert.True(stored.Length <= CallerText.MaxLength);
        Assert.StartsWith(new string('a', prefix), stored, StringComparison.Ordinal);

        // Well-formed UTF-16: a strict encoder (as PostgreSQL's driver is) takes it.
        _ = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetBytes(stored);
    }

    [Fact]
    public void TokenIssued_ForAKeyAlreadyCountedThisInterval_AllocatesNothing()
    {
        var activity = NewActivity(TimeProvider.System);
        long allocated;
        DateTime hour;
        do
        {
            // Again if the hour turned meanwhile: the first token of a new hour is a new key.
            hour = ClientActivity.Hour(DateTime.UtcNow);
            activity.TokenIssued("1001", "client_credentials");
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
            {
                activity.TokenIssued("1001", "client_credentials");
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        while (ClientActivity.Hour(DateTime.UtcNow) != hour);

        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task CountsRecordedWhileFlushesTakeThem_AreNeitherLostNorCountedTwice()
    {
        var activity = NewActivity(TimeProvider.System);
        const int threads = 4, perThread = 200_000;
        var taken = 0L;
        var recorders = Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < perThread; i++)
            {
                activity.TokenIssued($"client-{i % 3}", "client_credentials");
            }
        })).ToArray();

        while (!recorders.All(r => r.IsCompleted))
        {
            taken += activity.TakeBatch().Tokens.Values.Sum();
            await Task.Yield();
        }

        taken += activity.TakeBatch().Tokens.Values.Sum();
        Assert.Equal(threads * perThread, taken);
    }

    [Theory]
    [InlineData("FailuresKept", "0")]
    [InlineData("FailuresKept", "1001")]
    [InlineData("Enabled", "sometimes")]
    public void BadActivitySetting_StopsTheAppWithAMessageNamingIt(string key, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"Activity:{key}"] = value })
            .Build();

        var failure = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddAppFeatures(configuration));

        Assert.Contains($"Activity:{key}", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Two instances on one PostgreSQL database count tokens of the same client in the same hour and
    /// flush at once: each adds to the one row, whichever inserted it, and the sum is right.
    /// </summary>
    [Fact]
    public async Task TwoInstancesOnPostgreSql_AddToTheSameHourRow()
    {
        using var database = TestDatabase.CreatePostgreSql();
        await using var a = App(database);
        var client = await a.RegisterClientAsync();
        await using var b = App(database);
        var (httpA, httpB) = (a.CreateClient(), b.CreateClient());

        for (var round = 1; round <= 3; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => httpA.RequestClientTokenAsync(client))
                .Concat(Enumerable.Range(0, 3).Select(_ => httpB.RequestClientTokenAsync(client))));
            var flushed = await Task.WhenAll(FlushAsync(a), FlushAsync(b));
            Assert.All(flushed, Assert.True);
            Assert.Equal([("client_credentials", 7L * round)], await TokenCountsAsync(a, client.ClientId));
        }
    }

    /// <summary>
    /// The race made certain: another instance inserts the hour's row (uncommitted) before this one's
    /// command, and commits it only once this one's insert waits on that row's key. PostgreSQL's
    /// <c>ON CONFLICT DO UPDATE</c> then adds the count to that row (SQL Server's update-then-insert
    /// would fail on the key and add it on the retry, <c>ClientActivityWriter</c>).
    /// </summary>
    [Fact]
    public async Task RowInsertedByAnotherInstanceMeanwhile_IsAddedTo()
    {
        using var database = TestDatabase.CreatePostgreSql();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var hour = ClientActivity.Hour(clock.GetUtcNow().UtcDateTime);
        await using var otherInstance = new InsertDuringFirstInsert(database.ConnectionString, hour);
        await using var app = App(database, clock, services: s => s.ConfigureDbContext<PostgreSqlAppDbContext>(o => o.AddInterceptors(otherInstance)));
        var client = await app.RegisterClientAsync();
        otherInstance.ClientId = client.ClientId;

        for (var i = 0; i < 3; i++)
        {
            Assert.False((await app.CreateClient().RequestClientTokenAsync(client)).IsError);
        }

        Assert.True(await FlushAsync(app));

        Assert.True(otherInstance.Inserted);
        Assert.True(await otherInstance.CommittedWhileInsertWaited, "This instance's insert never waited on the other's row: the race was not played.");
        Assert.Equal([("client_credentials", 5L + 3L)], await TokenCountsAsync(app, client.ClientId));
    }

    /// <summary>Issues the refused request <paramref name="reason"/> names; returns the Client ID it was sent with, and the answer.</summary>
    private static async Task<(string ClientId, TokenResponse Answer)> RefuseAsync(AuthClientsAppFactory app, HttpClient http, FakeTimeProvider clock, string reason)
    {
        switch (reason)
        {
            case FailureReasons.WrongSecret:
            {
                var client = await app.RegisterClientAsync();
                return (client.ClientId, await http.RequestClientTokenAsync(client with { Secret = "not-the-secret" }));
            }

            case FailureReasons.ExpiredCredential:
            {
                // Expired by a clock moved less than the flush interval (10 minutes here): moved past
                // it, the flush's timer fires and may write the refusal before the test looks.
                var created = await app.CreateClientAsync(new AuthClientSettings
                {
                    Name = $"expiring-{Guid.NewGuid():N}",
                    Grants = new(ClientCredentials: true),
                    SecretExpiresAt = clock.GetUtcNow().UtcDateTime.AddMinutes(1),
                });
                clock.Advance(TimeSpan.FromMinutes(2));
                return (created.ClientId, await http.RequestClientTokenAsync(new RegisteredClient(created.Id, created.ClientId, created.Secret!)));
            }

            case FailureReasons.RevokedCredential:
            {
                var client = await app.RegisterClientAsync();
                await app.RegenerateSecretAsync(client); // ends the first secret now
                return (client.ClientId, await http.RequestClientTokenAsync(client));
            }

            case FailureReasons.DisabledClient:
            {
                var client = await app.RegisterClientAsync();
                await app.SetEnabledAsync(client, enabled: false);
                return (client.ClientId, await http.RequestClientTokenAsync(client));
            }

            case FailureReasons.GrantNotAllowed:
            {
                var client = await app.RegisterClientAsync(clientCredentials: false, password: true);
                return (client.ClientId, await http.RequestClientTokenAsync(client));
            }

            case FailureReasons.BadAssertion:
            {
                var (client, _) = await app.RegisterKeyOnlyClientAsync(ClientKey.EcP256());
                using var stranger = ClientKey.EcP256(); // a key the client never registered
                return (client.ClientId, await http.RequestTokenWithAssertionAsync(client.ClientId, stranger.Assertion(client.ClientId)));
            }

            case FailureReasons.UnknownScope:
            {
                var client = await app.RegisterClientAsync();
                return (client.ClientId, await http.RequestClientTokenAsync(client, "auth_clients.write"));
            }

            case FailureReasons.UnknownClient:
            {
                var client = await app.RegisterClientAsync();
                var unknown = $"9{Random.Shared.Next(100_000, 999_999)}";
                return (unknown, await http.RequestClientTokenAsync(client with { ClientId = unknown }));
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(reason), reason, "A reason this test does not know how to cause.");
        }
    }

    /// <summary>A recorder outside any app, with no one listening to its metrics.</summary>
    private static ClientActivity NewActivity(TimeProvider clock) =>
        new(new HttpContextAccessor(), clock, Options.Create(new ActivityOptions()),
            new AuthClientsMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>()),
            NullLogger<ClientActivity>.Instance);

    private static AuthClientsAppFactory App(
        TestDatabase? database = null,
        FakeTimeProvider? clock = null,
        Dictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string?> { [FlushInterval] = "00:10:00" };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        void Configure(IServiceCollection s)
        {
            if (clock is not null)
            {
                s.AddSingleton<TimeProvider>(clock);
            }

            services?.Invoke(s);
        }

        return database is null
            ? new AuthClientsAppFactory { Settings = all, TestServices = Configure }
            : new AuthClientsAppFactory { Database = database, Settings = all, TestServices = Configure };
    }

    private static Task<bool> FlushAsync(AuthClientsAppFactory app) => app.Services.GetRequiredService<ClientUsageFlush>().FlushAsync();

    private static Task<List<ClientFailure>> FailuresAsync(AuthClientsAppFactory app, string clientId) =>
        app.WithServicesAsync(s => s.GetRequiredService<AppDbContext>().ClientFailures.AsNoTracking()
            .Where(f => f.ClientId == clientId).OrderByDescending(f => f.OccurredAt).ToListAsync());

    private static Task<List<ClientFailureCount>> FailureCountsAsync(AuthClientsAppFactory app, string clientId) =>
        app.WithServicesAsync(s => s.GetRequiredService<AppDbContext>().ClientFailureCounts.AsNoTracking().Where(c => c.ClientId == clientId).ToListAsync());

    /// <summary>The client's token counts, summed over the hours, per grant type.</summary>
    private static async Task<List<(string, long)>> TokenCountsAsync(AuthClientsAppFactory app, string clientId) =>
        [.. (await app.WithServicesAsync(s => s.GetRequiredService<AppDbContext>().ClientTokenCounts.AsNoTracking()
            .Where(c => c.ClientId == clientId)
            .GroupBy(c => c.GrantType).Select(g => new { GrantType = g.Key, Count = g.Sum(c => c.Count) })
            .ToListAsync()))
            .OrderBy(c => c.GrantType, StringComparer.Ordinal).Select(c => (c.GrantType, c.Count))];

    private static Task<int> ExecuteSqlAsync(AuthClientsAppFactory app, string sql) =>
        app.WithServicesAsync(s => s.GetRequiredService<AppDbContext>().Database.ExecuteSqlRawAsync(sql));

    /// <summary>INSERT and UPDATE statements the app sent to the token counts table, from EF Core's command log.</summary>
    private static int ActivityWrites(AuthClientsAppFactory app) =>
        app.LogEntries.Count(e => e.Category == CommandCategory
            && e.Message.StartsWith("Executed DbCommand", StringComparison.Ordinal)
            && (e.Message.Contains("UPDATE ", StringComparison.Ordinal) || e.Message.Contains("INSERT ", StringComparison.Ordinal))
            && e.Message.Contains("ClientTokenCounts", StringComparison.Ordinal));

    private static DateTime Utc(DateTime time) => DateTime.SpecifyKind(time, DateTimeKind.Utc);

    private static DateTime Second(DateTime time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond));
}

/// <summary>
/// Plays another instance: inserts the hour's row of <see cref="ClientId"/> in a transaction of its
/// own just before this app's first command that inserts token counts, and commits it once a
/// statement of this database waits on a lock (this app's insert, on the row's key).
/// </summary>
internal sealed class InsertDuringFirstInsert(string connectionString, DateTime hour) : DbCommandInterceptor, IAsyncDisposable
{
    private NpgsqlConnection? _connection;

    public string? ClientId { get; set; }

    public bool Inserted { get; private set; }

    /// <summary>True once committed while another statement waited on a lock; false when none did within 30 s.</summary>
    public Task<bool> CommittedWhileInsertWaited { get; private set; } = Task.FromResult(false);

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await InsertAsync(command, cancellationToken);
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await InsertAsync(command, cancellationToken);
        return result;
    }

    private async Task InsertAsync(DbCommand command, CancellationToken cancellationToken)
    {
        if (Inserted || ClientId is null || !command.CommandText.Contains("INSERT INTO \"ClientTokenCounts\"", StringComparison.Ordinal))
        {
            return;
        }

        Inserted = true;
        _connection = new NpgsqlConnection(connectionString);
        await _connection.OpenAsync(cancellationToken);
        var transaction = await _connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand("""INSERT INTO "ClientTokenCounts" ("ClientId", "Hour", "GrantType", "Count") VALUES (@client, @hour, 'client_credentials', 5)""", _connection, transaction))
        {
            insert.Parameters.AddWithValue("client", ClientId);
            insert.Parameters.AddWithValue("hour", hour);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        // Not awaited: the app's command runs now, and waits on this transaction's row.
        CommittedWhileInsertWaited = CommitOnceWaitedOnAsync(transaction);
    }

    private async Task<bool> CommitOnceWaitedOnAsync(NpgsqlTransaction transaction)
    {
        var waited = false;
        await using (var watcher = new NpgsqlConnection(connectionString))
        {
            await watcher.OpenAsync();
            await using var waiting = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()", watcher);
            for (var deadline = DateTime.UtcNow.AddSeconds(30); !waited && DateTime.UtcNow < deadline; await Task.Delay(20))
            {
                waited = (long)(await waiting.ExecuteScalarAsync())! > 0;
            }
        }

        await transaction.CommitAsync();
        return waited;
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await CommittedWhileInsertWaited;
            await _connection.DisposeAsync();
        }
    }
}
