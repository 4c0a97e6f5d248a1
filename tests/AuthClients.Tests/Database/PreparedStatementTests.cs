using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using AuthClients.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AuthClients.Tests.Database;

/// <summary>
/// On PostgreSQL the app's connections keep their frequent statements prepared on the server
/// (<see cref="DatabaseHosting.WithAutomaticPreparation"/>), unless the operator's connection string
/// says otherwise.
/// </summary>
public sealed class PreparedStatementTests
{
    [Theory]
    [InlineData("Host=db;Username=app", DatabaseHosting.AutoPreparedStatements)]
    [InlineData("Host=db;Username=app;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;Username=app;MaxAutoPrepare=12", 12)]
    [InlineData("Host=db;Username=app;max auto prepare=7", 7)]
    [InlineData("Host=db;Username=app;MAX AUTO PREPARE = 3", 3)]
    public void TheOperatorsSettingIsKept_AndOtherwiseStatementsArePrepared(string configured, int expected)
    {
        var used = new NpgsqlConnectionStringBuilder(DatabaseHosting.WithAutomaticPreparation(configured));

        Assert.Equal(expected, used.MaxAutoPrepare);
        Assert.Equal("db", used.Host);
        Assert.Equal("app", used.Username);
    }

    [Fact]
    public async Task AStatementTheAppRunsAgainAndAgain_IsPreparedOnTheServer()
    {
        using var database = TestDatabase.CreatePostgreSql();
        await using var app = new AuthClientsAppFactory { Database = database };
        var client = await app.RegisterClientAsync();

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Database.OpenConnectionAsync(); // one server session for every query below
        for (var i = 0; i < 10; i++)
        {
            Assert.True(await db.AuthClients.AsNoTracking().AnyAsync(c => c.ClientId == client.ClientId));
        }

        var prepared = await db.Database.SqlQueryRaw<string>("SELECT statement AS \"Value\" FROM pg_prepared_statements").ToListAsync();
        Assert.Contains(prepared, statement => statement.Contains("OpenIddictApplications", StringComparison.Ordinal));
    }
}
