using AuthClients.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Database;

/// <summary>
/// SQLite's commit mode (<c>OAuthServer:Performance:SqliteSynchronous</c>) is a setting of each
/// connection, set once per pooled connection: every connection the app writes through has it, the
/// pool's first ones, those open at the same time, and those opened after the pool let its
/// connections go. SQLite's own default is FULL (2); NORMAL is 1.
/// </summary>
public sealed class SqliteConnectionSettingsTests
{
    [Theory]
    [InlineData("Normal", 1L)]
    [InlineData("Full", 2L)]
    public async Task EveryConnection_CommitsInTheConfiguredMode(string setting, long pragmaValue)
    {
        using var database = TestDatabase.CreateSqlite();
        await using var app = new AuthClientsAppFactory
        {
            Database = database,
            Settings = { ["OAuthServer:Performance:SqliteSynchronous"] = setting },
        };
        _ = app.Server;

        var seen = new List<long>();
        for (var round = 0; round < 3; round++)
        {
            seen.AddRange(await ModesOfConnectionsOpenTogetherAsync(app, count: 4));
            if (round == 1)
            {
                // The pool lets its connections go: the same pooled contexts open new native ones.
                await using var scope = app.Services.CreateAsyncScope();
                SqliteConnection.ClearPool((SqliteConnection)scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.GetDbConnection());
            }
        }

        Assert.Equal(12, seen.Count);
        Assert.All(seen, mode => Assert.Equal(pragmaValue, mode));
    }

    private static async Task<long[]> ModesOfConnectionsOpenTogetherAsync(AuthClientsAppFactory app, int count)
    {
        var scopes = Enumerable.Range(0, count).Select(_ => app.Services.CreateAsyncScope()).ToList();
        try
        {
            var contexts = scopes.Select(scope => scope.ServiceProvider.GetRequiredService<AppDbContext>()).ToList();
            foreach (var db in contexts)
            {
                await db.Database.OpenConnectionAsync();
            }

            var modes = new List<long>();
            foreach (var db in contexts)
            {
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = "PRAGMA synchronous;";
                modes.Add((long)(await command.ExecuteScalarAsync())!);
                await db.Database.CloseConnectionAsync();
            }

            return [.. modes];
        }
        finally
        {
            foreach (var scope in scopes)
            {
                await scope.DisposeAsync();
            }
        }
    }
}
