using System.Data.Common;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Tests.Database;

/// <summary>
/// A transient fault in the middle of a unit of work the app runs in its own transaction (a
/// connection lost to a restart, SQLite busy): the execution strategy runs the whole unit again,
/// so the change is made once, complete, and the caller never hears of the fault. On the suite's provider.
/// </summary>
public sealed class TransientFaultRetryTests
{
    [Theory]
    [InlineData("AuthClientCredentials")] // the last insert of the unit: the number, the client and the audit record are already written in it
    [InlineData("OpenIddictApplications")]
    [InlineData("ClientNumbers")]
    public async Task CreatingAClient_WhenTheDatabaseFailsMidUnit_CreatesItOnce_WithItsSecretAndAuditRecord(string failingTable)
    {
        var fault = new FailFirstInsert(failingTable);
        await using var app = AppWith(fault);
        var name = $"retried-{Guid.NewGuid():N}";

        var client = await app.RegisterClientAsync(name: name);

        Assert.Equal(1, fault.Thrown);
        Assert.False((await app.CreateClient().RequestClientTokenAsync(client)).IsError);
        await using var db = app.Database.OpenContext();
        var stored = await db.AuthClients.AsNoTracking().Where(c => c.DisplayName == name)
            .Select(c => new
            {
                c.ClientId,
                Secrets = db.AuthClientCredentials.Count(k => k.ApplicationId == c.Id),
                Audited = db.AuditRecords.Count(a => a.Action == AuditActions.AuthClientCreated && a.TargetId == c.ClientId),
            })
            .SingleAsync();
        Assert.Equal(client.ClientId, stored.ClientId);
        Assert.Equal(1, stored.Secrets);
        Assert.Equal(1, stored.Audited);
    }

    [Theory]
    [InlineData(false)] // the connection is lost before the write reaches the database
    [InlineData(true)] // the write was made, and the connection lost before its answer came back
    public async Task Refreshing_WhenTheGrantsWriteMeetsALostConnection_GivesTokensOnce_AndTheNewRefreshTokenWorks(bool afterTheWrite)
    {
        var fault = new FailTokenRedemptionOnce(afterTheWrite);
        await using var app = AppWith(fault);
        var client = await app.RegisterClientAsync(clientCredentials: false, authorizationCode: true);
        var email = await app.CreateUserAsync();
        var driver = new AuthorizationCodeDriver(app.CreateBrowser(), client);
        var backChannel = app.CreateClient();
        var issued = await driver.RedeemAsync(backChannel, await driver.GetCodeAsync(email, AuthClientsAppFactory.UserPassword));
        Assert.False(issued.IsError, issued.Raw);

        fault.Arm();
        var renewed = await backChannel.RequestRefreshAsync(client, issued.RefreshToken!);

        Assert.Equal(1, fault.Thrown);
        Assert.False(renewed.IsError, renewed.Raw);
        Assert.NotNull(renewed.RefreshToken);
        await using (var db = app.Database.OpenContext())
        {
            // The first refresh token (spent) and the one the answer carried: none written twice.
            var user = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
            var refreshTokens = await db.Set<AuthClientToken>().Where(t => t.Subject == user && t.Type == TokenTypeIdentifiers.RefreshToken)
                .Select(t => t.Status).OrderBy(status => status).ToListAsync();
            Assert.Equal([Statuses.Redeemed, Statuses.Valid], refreshTokens);
        }

        var again = await backChannel.RequestRefreshAsync(client, renewed.RefreshToken!);
        Assert.False(again.IsError, again.Raw);
    }

    /// <summary>
    /// Once armed, the first statement that redeems a token (an UPDATE of the tokens table: SaveChanges',
    /// or the one-statement write on PostgreSQL) fails as a lost connection fails it, before it is sent
    /// or after it was executed.
    /// </summary>
    private sealed class FailTokenRedemptionOnce(bool afterTheWrite) : DbCommandInterceptor
    {
        private int _armed;
        private int _thrown;

        public int Thrown => Volatile.Read(ref _thrown);

        public void Arm() => Volatile.Write(ref _armed, 1);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            FailOnce(command, executed: false);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            FailOnce(command, executed: false);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<DbDataReader> ReaderExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            FailOnce(command, executed: true);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<int> NonQueryExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            FailOnce(command, executed: true);
            return ValueTask.FromResult(result);
        }

        private void FailOnce(DbCommand command, bool executed)
        {
            if (executed == afterTheWrite && Volatile.Read(ref _armed) == 1
                && command.CommandText.Contains("UPDATE \"OpenIddictTokens\"", StringComparison.Ordinal)
                && Interlocked.CompareExchange(ref _thrown, 1, 0) == 0)
            {
                throw command is NpgsqlCommand
                    ? new NpgsqlException("Exception while reading from stream (injected)", new IOException("Connection reset (injected)"))
                    : new SqliteException("database is locked (injected)", 5);
            }
        }
    }

    /// <summary>The app, with <paramref name="fault"/> among its database interceptors on either provider.</summary>
    private static AuthClientsAppFactory AppWith(IInterceptor fault) => new()
    {
        TestServices = services =>
        {
            services.ConfigureDbContext<SqliteAppDbContext>(options => options.AddInterceptors(fault));
            services.ConfigureDbContext<PostgreSqlAppDbContext>(options => options.AddInterceptors(fault));
        },
    };

    /// <summary>The first INSERT into one table fails the way a lost connection (PostgreSQL) or a busy database (SQLite) fails it.</summary>
    private sealed class FailFirstInsert(string table) : DbCommandInterceptor
    {
        private int _thrown;

        public int Thrown => Volatile.Read(ref _thrown);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            FailOnce(command);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            FailOnce(command);
            return ValueTask.FromResult(result);
        }

        private void FailOnce(DbCommand command)
        {
            if (command.CommandText.Contains($"INSERT INTO \"{table}\"", StringComparison.Ordinal) && Interlocked.CompareExchange(ref _thrown, 1, 0) == 0)
            {
                throw command is NpgsqlCommand
                    ? new NpgsqlException("Exception while writing to stream (injected)", new IOException("Connection reset (injected)"))
                    : new SqliteException("database is locked (injected)", 5);
            }
        }
    }
}
