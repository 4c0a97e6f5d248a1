using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using AuthClients.Web.Hosting;
using Duende.IdentityModel.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Database;

/// <summary>
/// On PostgreSQL the statements of code exchanges and refreshes are prepared on the server
/// (<see cref="PreparedGrantStatements"/>), and no other: the list's searches keep a plan of their
/// own for each pattern. Read from <c>pg_prepared_statements</c>, which shows one session's
/// statements: the app gets a pool of <see cref="PoolSize"/> connections, and the test holds all of
/// them at the end and reads each one's.
/// </summary>
public sealed class PreparedGrantStatementTests
{
    private const string TokenInsert = "INSERT INTO \"OpenIddictTokens\" (";
    private const string TokenUpdate = "UPDATE \"OpenIddictTokens\" ";
    private const int PoolSize = 4;

    [Fact]
    public async Task CodeExchangeAndRefresh_ArePreparedOnTheServer_TheListIsNot()
    {
        var prepared = await PreparedAfterGrantsAndSearchAsync(prepare: true);

        Assert.Contains(prepared, statement => statement.StartsWith(TokenInsert, StringComparison.Ordinal)); // the code's row, written by the authorization endpoint
        var tagged = prepared.Where(statement => statement.StartsWith("-- " + PreparedGrantStatements.Tag, StringComparison.Ordinal)).ToList();
        Assert.Contains(tagged, statement => statement.Contains("WITH spent AS (\n" + TokenUpdate + "SET ", StringComparison.Ordinal)
            && statement.Contains("\"RedemptionDate\"", StringComparison.Ordinal) && statement.Contains("AND \"Status\" = $", StringComparison.Ordinal)
            && statement.Contains("\n" + TokenInsert, StringComparison.Ordinal)); // the redemption, checked against the status read, with the new refresh token's row
        Assert.Contains(tagged, statement => statement.Contains("\"ReferenceId\" = $1", StringComparison.Ordinal)); // the code
        Assert.Contains(tagged, statement => statement.Contains(".\"Id\" = $1", StringComparison.Ordinal) && statement.Contains("\"OpenIddictTokens\"", StringComparison.Ordinal)); // the refresh token
        Assert.Contains(tagged, statement => statement.Contains("\"AspNetUsers\"", StringComparison.Ordinal)); // the user
        Assert.Contains(tagged, statement => statement.Contains("\"AuthClientCredentials\"", StringComparison.Ordinal)
            && statement.Contains("\"ClientId\" = $1", StringComparison.Ordinal)); // the client and its credentials, read on a cache miss
        Assert.Equal(prepared.Count, tagged.Count + prepared.Count(statement =>
            statement.StartsWith(TokenInsert, StringComparison.Ordinal) || statement.StartsWith(TokenUpdate, StringComparison.Ordinal)));
        Assert.DoesNotContain(prepared, statement => statement.Contains(" LIKE ", StringComparison.Ordinal)); // the list's search
    }

    [Fact]
    public async Task TurnedOff_NothingIsPrepared()
    {
        Assert.Empty(await PreparedAfterGrantsAndSearchAsync(prepare: false));
    }

    private static async Task<List<string>> PreparedAfterGrantsAndSearchAsync(bool prepare)
    {
        using var database = TestDatabase.CreatePostgreSql();
        await using var app = new AuthClientsAppFactory
        {
            Database = database,
            Settings =
            {
                ["ConnectionStrings:Default"] = database.ConnectionString + ";Maximum Pool Size=" + PoolSize,
                ["OAuthServer:Performance:PrepareGrantStatements"] = prepare ? "true" : "false",
            },
        };
        var backChannel = app.CreateClient();
        var client = await app.RegisterClientAsync(name: "prepared-statements-probe", clientCredentials: false, authorizationCode: true);
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), client);
        var tokens = await driver.RedeemAsync(backChannel, await driver.GetCodeAsync(await app.CreateUserAsync(), AuthClientsAppFactory.UserPassword));
        Assert.False(tokens.IsError, tokens.Raw);
        var renewed = await backChannel.RequestRefreshAsync(client, tokens.RefreshToken!);
        Assert.False(renewed.IsError, renewed.Raw);
        var admin = await app.SignedInAsAdminAsync();
        for (var i = 0; i < 6; i++) // more than the 5 runs after which Npgsql would prepare a statement by itself
        {
            Assert.Contains(client.ClientId, await admin.GetStringAsync("/admin/auth-clients?search=probe"), StringComparison.Ordinal);
        }

        // Every connection of the pool at once: the ones the requests used, and any it has not opened yet.
        var scopes = Enumerable.Range(0, PoolSize).Select(_ => app.Services.CreateAsyncScope()).ToList();
        var prepared = new List<string>();
        foreach (var scope in scopes)
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Database.OpenConnectionAsync();
            prepared.AddRange(await db.Database.SqlQueryRaw<string>("SELECT statement AS \"Value\" FROM pg_prepared_statements").ToListAsync());
        }

        foreach (var scope in scopes)
        {
            await scope.DisposeAsync();
        }

        return prepared;
    }
}
