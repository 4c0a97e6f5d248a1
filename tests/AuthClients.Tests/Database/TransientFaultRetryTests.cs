using System.Data.Common;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using AuthClients.Web.Features.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

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
        await using var app = new AuthClientsAppFactory
        {
            TestServices = services =>
            {
                services.ConfigureDbContext<SqliteAppDbContext>(options => options.AddInterceptors(fault));
                services.ConfigureDbContext<PostgreSqlAppDbContext>(options => options.AddInterceptors(fault));
            },
        };
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
