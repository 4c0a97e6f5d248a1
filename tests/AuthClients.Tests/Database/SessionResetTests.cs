using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using AuthClients.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Database;

/// <summary>
/// On PostgreSQL the app's pooled connections are handed on without Npgsql's session reset
/// (<c>No Reset On Close</c>, see <c>DatabaseHosting.WithoutSessionReset</c>): a reset is a
/// statement (seven, on a connection holding prepared statements) before the first command of every
/// open, and EF Core opens a connection for each query outside a transaction. An operator's own
/// <c>No Reset On Close</c> in the connection string wins, and the baseline keeps Npgsql's default.
/// Seen from the server: a setting made on one of the pool's connections is still there when that
/// connection (the same server process) is opened again, unless the session was reset in between.
/// </summary>
public sealed class SessionResetTests
{
    [Theory]
    [InlineData("", false, false)]
    [InlineData(";No Reset On Close=false", false, true)]
    [InlineData(";NoResetOnClose=False", false, true)]
    [InlineData("", true, true)]
    public async Task PooledConnection_KeepsItsSession_UnlessTheConnectionStringOrTheBaselineAsksForAReset(string extra, bool baseline, bool resets)
    {
        using var database = TestDatabase.CreatePostgreSql();
        await using var app = new AuthClientsAppFactory
        {
            Database = database,
            Settings =
            {
                ["ConnectionStrings:Default"] = database.ConnectionString + ";Maximum Pool Size=3" + extra,
                ["OAuthServer:Performance:Baseline"] = baseline ? "true" : "false",
            },
        };

        // Units of work of their own, each opening and closing one of the pool's connections, as the app's requests do.
        var marked = await app.WithServicesAsync(services => SessionAsync(services, "SET statement_timeout = '4321s'; SELECT pg_backend_pid()::text || ' ' || current_setting('statement_timeout') AS \"Value\""));
        string? again = null;
        for (var attempt = 0; attempt < 50 && again is null; attempt++)
        {
            var session = await app.WithServicesAsync(services => SessionAsync(services, "SELECT pg_backend_pid()::text || ' ' || current_setting('statement_timeout') AS \"Value\""));
            again = session.Split(' ')[0] == marked.Split(' ')[0] ? session : null;
        }

        // The server's own value, as a session of the test's (not the app's pool) sees it.
        await using var fresh = new Npgsql.NpgsqlConnection(database.ConnectionString + ";Pooling=false");
        await fresh.OpenAsync();
        await using var show = new Npgsql.NpgsqlCommand("SELECT current_setting('statement_timeout')", fresh);
        var serverDefault = (string)(await show.ExecuteScalarAsync())!;

        Assert.EndsWith(" 4321s", marked, StringComparison.Ordinal);
        Assert.NotEqual("4321s", serverDefault);
        Assert.True(again is not null, "The pool never handed out the marked connection again.");
        Assert.Equal(resets ? serverDefault : "4321s", again.Split(' ')[1]);
    }

    /// <returns>The session's server process and its statement timeout, as "pid timeout".</returns>
    private static async Task<string> SessionAsync(IServiceProvider services, string sql) =>
        (await services.GetRequiredService<AppDbContext>().Database.SqlQueryRaw<string>(sql).ToListAsync()).Single();

    [Theory]
    [InlineData("Host=db;Database=app", "Host=db;Database=app;No Reset On Close=True")]
    [InlineData("Host=db;Database=app;No Reset On Close=false", "Host=db;Database=app;No Reset On Close=false")]
    [InlineData("Host=db;Database=app;noresetonclose=false", "Host=db;Database=app;noresetonclose=false")]
    public void ConnectionString_GetsNoResetOnClose_UnlessItNamesIt(string configured, string used)
    {
        Assert.Equal(used, DatabaseHosting.WithoutSessionReset(configured, baseline: false));
        Assert.Equal(configured, DatabaseHosting.WithoutSessionReset(configured, baseline: true));
    }
}
