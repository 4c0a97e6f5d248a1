using System.Net.Sockets;
using AuthClients.Web.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AuthClients.Tests.Database;

/// <summary>
/// Which failures are an outage (503 and Retry-After, retried, logged once) and which are a fault
/// of the request or the code (never hidden as "try again"), on each provider, however EF Core wraps them.
/// </summary>
public sealed class DatabaseFaultTests
{
    // Connection lost or refused, server shutting down or starting, too many connections, a
    // serialization failure or deadlock: all go away by themselves.
    private static readonly string[] TransientSqlStates = ["08000", "08001", "08003", "08004", "08006", "57P01", "57P02", "57P03", "53300", "40001", "40P01"];

    // A unique or foreign key violation, a missing table, a value too long, a syntax error: retrying changes nothing.
    private static readonly string[] PermanentSqlStates = ["23505", "23503", "42P01", "22001", "42601", "42501"];

    public static TheoryData<string, Exception, bool> Faults()
    {
        var data = new TheoryData<string, Exception, bool>();
        var raw = new List<(string Name, Exception Fault, bool Unavailable)>();
        raw.AddRange(TransientSqlStates.Select(state => ($"postgres {state}", (Exception)new PostgresException("", "FATAL", "FATAL", state), true)));
        raw.AddRange(PermanentSqlStates.Select(state => ($"postgres {state}", (Exception)new PostgresException("", "ERROR", "ERROR", state), false)));
        raw.Add(("npgsql socket", new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)), true));
        raw.Add(("npgsql stream", new NpgsqlException("Exception while reading from stream", new EndOfStreamException()), true));
        raw.Add(("sqlite busy", new SqliteException("database is locked", 5), true));
        raw.Add(("sqlite locked", new SqliteException("database table is locked", 6), true));
        raw.Add(("sqlite io error", new SqliteException("disk I/O error", 10), true));
        raw.Add(("sqlite cannot open", new SqliteException("unable to open database file", 14), true));
        raw.Add(("sqlite constraint", new SqliteException("UNIQUE constraint failed", 19), false));
        raw.Add(("sqlite error", new SqliteException("no such table", 1), false));
        raw.Add(("retries exhausted", new RetryLimitExceededException("Maximum number of retries exceeded"), true));
        raw.Add(("plain bug", new InvalidOperationException("Sequence contains no elements"), false));
        raw.Add(("unrelated socket", new SocketException((int)SocketError.ConnectionRefused), false));

        // As the caller meets them: bare, in a failed save, in EF Core's "likely transient" wrapper.
        foreach (var (name, fault, unavailable) in raw)
        {
            data.Add(name, fault, unavailable);
            data.Add(name + " in a save", new DbUpdateException("An error occurred while saving the entity changes.", fault), unavailable);
            data.Add(name + " wrapped", new InvalidOperationException("An exception has been raised that is likely due to a transient failure.", fault), unavailable);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public void Fault_IsAnOutage_OnlyWhenItGoesAwayByItself(string name, Exception fault, bool unavailable) =>
        Assert.True(DatabaseFaults.IsUnavailable(fault) == unavailable, $"{name}: expected {(unavailable ? "an outage" : "no outage")}");

    [Theory]
    [InlineData(nameof(ResilienceOptions.ServeDuringOutage), "-00:00:01")]
    [InlineData(nameof(ResilienceOptions.ServeDuringOutage), "00:10:01")]
    [InlineData(nameof(ResilienceOptions.ServeDuringOutage), "1.00:00:00")]
    [InlineData(nameof(ResilienceOptions.ServeDuringOutage), "soon")]
    [InlineData(nameof(ResilienceOptions.RememberedClients), "0")]
    [InlineData(nameof(ResilienceOptions.RememberedClients), "-5")]
    [InlineData(nameof(ResilienceOptions.RememberedClients), "1000001")]
    [InlineData(nameof(ResilienceOptions.RememberedClients), "many")]
    public void BadResilienceSetting_StopsTheAppWithAMessageNamingIt(string setting, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Default"] = "Data Source=:memory:",
                [$"{ResilienceOptions.Section}:{setting}"] = value,
            })
            .Build();

        var failure = Assert.Throws<OptionsValidationException>(() =>
            new ServiceCollection().AddAppDatabase(configuration, new HostingEnvironment { EnvironmentName = "Testing", ContentRootPath = Path.GetTempPath() }));

        Assert.Contains($"OAuthServer:Resilience:{setting}", failure.Message, StringComparison.Ordinal);
    }
}
