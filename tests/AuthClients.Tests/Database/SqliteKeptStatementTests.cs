using System.Data;
using System.Data.Common;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Connect;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Hosting;
using Duende.IdentityModel.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;

namespace AuthClients.Tests.Database;

/// <summary>
/// On SQLite the grant statements (a code, a refresh token, its user, a client read on a cache miss)
/// run on connections <see cref="SqliteKeptStatements"/> keeps open, each compiled once there
/// instead of on every request; inside a transaction they run on its connection and see its writes.
/// </summary>
public sealed class SqliteKeptStatementTests
{
    [Fact]
    public async Task CacheMissesCodeExchangeAndRefresh_RunOnKeptConnections_AndCompileEachStatementOnce()
    {
        // The counts below are of cache misses: on the app's clock, stopped, no cached client or user
        // expires between two requests however slow the machine (the client cache keeps them 2 s).
        using var database = TestDatabase.CreateSqlite();
        await using var app = new AuthClientsAppFactory { Database = database, TestServices = services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(DateTimeOffset.UtcNow)) };
        var http = app.CreateClient();
        var clients = new List<RegisteredClient>();
        for (var i = 0; i < 5; i++)
        {
            clients.Add(await app.RegisterClientAsync(scopes: ["auth_clients.read"]));
        }

        var kept = app.Services.GetRequiredService<SqliteKeptStatements>();
        Assert.NotEmpty(await http.RequestClientCredentialsTokenAsync(clients[0], "auth_clients.read"));
        var (runs, compilations) = (kept.Runs, kept.Compilations);
        Assert.True(runs >= 1 && compilations >= 1, $"the first cache miss: {runs} runs, {compilations} compilations");

        foreach (var client in clients.Skip(1))
        {
            Assert.NotEmpty(await http.RequestClientCredentialsTokenAsync(client, "auth_clients.read")); // four more misses, one request at a time
        }

        Assert.Equal(runs + 4, kept.Runs);
        Assert.Equal(compilations, kept.Compilations);

        // A code exchange and three refreshes: after the first, each refresh reads its token with its
        // user (one statement) on a kept connection, compiled by the first.
        var userClient = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true);
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), userClient);
        var tokens = await driver.RedeemAsync(http, await driver.GetCodeAsync(await app.CreateUserAsync(), AuthClientsAppFactory.UserPassword));
        Assert.False(tokens.IsError, tokens.Raw);
        var refreshToken = await RefreshAsync(http, userClient, tokens.RefreshToken!);
        var (runsBeforeRefreshes, compilationsBeforeRefreshes) = (kept.Runs, kept.Compilations);
        refreshToken = await RefreshAsync(http, userClient, refreshToken);
        await RefreshAsync(http, userClient, refreshToken);

        Assert.Equal(runsBeforeRefreshes + 2, kept.Runs);
        Assert.Equal(compilationsBeforeRefreshes, kept.Compilations);
    }

    private static async Task<string> RefreshAsync(HttpClient http, RegisteredClient client, string refreshToken)
    {
        var renewed = await http.RequestRefreshAsync(client, refreshToken);
        Assert.False(renewed.IsError, renewed.Raw);
        return renewed.RefreshToken!;
    }

    [Fact]
    public async Task ATaggedReadByADate_FindsItsRowOnAKeptConnection()
    {
        // A date is bound as text: the kept command must bind it as EF Core's command would have.
        using var database = TestDatabase.CreateSqlite();
        await using var app = new AuthClientsAppFactory { Database = database };
        var client = await app.RegisterClientAsync();
        var usedAt = new DateTime(2026, 12, 3, 8, 30, 15, 250, DateTimeKind.Utc);
        var kept = app.Services.GetRequiredService<SqliteKeptStatements>();

        var found = await app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            await db.AuthClients.Where(a => a.Id == client.Id).ExecuteUpdateAsync(set => set.SetProperty(a => a.LastUsedAt, usedAt));
            var runs = kept.Runs;
            var ids = await db.AuthClients.AsNoTracking().TagWith(PreparedGrantStatements.Tag).Where(a => a.LastUsedAt == usedAt).Select(a => a.Id).ToListAsync();
            Assert.Equal(runs + 1, kept.Runs);
            return ids;
        });

        Assert.Equal([client.Id], found);
    }

    [Fact]
    public async Task AGrantReadOnAKeptConnection_LeavesEfCoresConnectionClosed_AndAnUntaggedReadOpensIt()
    {
        using var database = TestDatabase.CreateSqlite();
        await using var app = new AuthClientsAppFactory { Database = database };
        var client = await app.RegisterClientAsync();
        var kept = app.Services.GetRequiredService<SqliteKeptStatements>();

        var (tagged, untagged) = await app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            var runs = kept.Runs;
            var tagged = await ReadAsGrantAsync(db, db.AuthClients.AsNoTracking().TagWith(PreparedGrantStatements.Tag).Where(a => a.Id == client.Id));
            Assert.Equal(runs + 1, kept.Runs);
            var untagged = await ReadAsGrantAsync(db, db.AuthClients.AsNoTracking().Where(a => a.Id == client.Id));
            Assert.Equal(runs + 1, kept.Runs);
            return (tagged, untagged);
        });

        Assert.Equal([(client.ClientId, ConnectionState.Closed)], tagged);
        Assert.Equal([(client.ClientId, ConnectionState.Open)], untagged);
    }

    [Fact]
    public async Task CacheMissesOnKeptConnections_OpenNoConnectionOfEfCores()
    {
        var opens = new OpensLeftClosed();
        using var database = TestDatabase.CreateSqlite();
        await using var app = new AuthClientsAppFactory
        {
            Database = database,
            TestServices = services => services.ConfigureDbContext<SqliteAppDbContext>(o => o.AddInterceptors(opens)),
        };
        var http = app.CreateClient();
        var clients = new List<RegisteredClient>();
        for (var i = 0; i < 3; i++)
        {
            clients.Add(await app.RegisterClientAsync(scopes: ["auth_clients.read"]));
        }

        var kept = app.Services.GetRequiredService<SqliteKeptStatements>();
        var (runs, leftClosed) = (kept.Runs, opens.Count);
        foreach (var client in clients)
        {
            Assert.NotEmpty(await http.RequestClientCredentialsTokenAsync(client, "auth_clients.read")); // a cache miss each
        }

        Assert.True(kept.Runs >= runs + clients.Count, $"{kept.Runs - runs} kept runs for {clients.Count} misses");
        Assert.Equal(kept.Runs - runs, opens.Count - leftClosed); // each kept run's EF Core connection was never opened
    }

    /// <summary>Counts the openings EF Core reports of a connection that is still closed: those an interceptor suppressed.</summary>
    private sealed class OpensLeftClosed : DbConnectionInterceptor
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Inspect(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Inspect(connection);
            return Task.CompletedTask;
        }

        private void Inspect(DbConnection connection)
        {
            if (connection.State == ConnectionState.Closed)
            {
                Interlocked.Increment(ref _count);
            }
        }
    }

    /// <summary>Each row's Client ID, with the state of EF Core's connection while the row is read.</summary>
    private static async Task<List<(string?, ConnectionState)>> ReadAsGrantAsync(AppDbContext db, IQueryable<AuthClientApplication> query)
    {
        GrantRead.Begin(db); // its next connection opening, within this method
        var rows = new List<(string?, ConnectionState)>();
        await foreach (var application in query.AsAsyncEnumerable())
        {
            rows.Add((application.ClientId, db.Database.GetDbConnection().State));
        }

        return rows;
    }

    [Fact]
    public async Task WithNoKeptConnectionToRunOn_GrantReadsRunOnEfCoresConnection()
    {
        // The path of a statement that finds every kept connection busy: EF Core's connection, whose
        // opening was left for a kept one, is opened when the statement runs.
        using var database = TestDatabase.CreateSqlite();
        await using var app = new AuthClientsAppFactory { Database = database };
        var http = app.CreateClient();
        var client = await app.RegisterClientAsync(scopes: ["auth_clients.read"]);
        var userClient = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true);
        var kept = app.Services.GetRequiredService<SqliteKeptStatements>();
        kept.Dispose(); // lends no connection from now on
        var runs = kept.Runs;

        Assert.NotEmpty(await http.RequestClientCredentialsTokenAsync(client, "auth_clients.read")); // a cache miss
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), userClient);
        var tokens = await driver.RedeemAsync(http, await driver.GetCodeAsync(await app.CreateUserAsync(), AuthClientsAppFactory.UserPassword));
        Assert.False(tokens.IsError, tokens.Raw);
        await RefreshAsync(http, userClient, await RefreshAsync(http, userClient, tokens.RefreshToken!));

        Assert.Equal(runs, kept.Runs);
    }

    [Fact]
    public async Task InsideATransaction_AClientRead_SeesTheTransactionsOwnWrite()
    {
        using var database = TestDatabase.CreateSqlite();
        await using var app = new AuthClientsAppFactory { Database = database };
        _ = app.Server;
        var kept = app.Services.GetRequiredService<SqliteKeptStatements>();

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var clientId = $"uncommitted-{Guid.NewGuid():N}";
        var runs = kept.Runs;
        var found = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await manager.CreateAsync(new OpenIddictApplicationDescriptor { ClientId = clientId, ClientType = OpenIddictConstants.ClientTypes.Public, DisplayName = "Uncommitted" });
            return await manager.FindByClientIdAsync(clientId); // a kept connection would not see the uncommitted row
        });

        Assert.NotNull(found);
        Assert.Equal(runs, kept.Runs);
    }
}
