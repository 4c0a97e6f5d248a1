using System.Collections.Concurrent;
using System.Net;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Connect;
using AuthClients.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Tests.Database;

/// <summary>
/// An instance killed (SIGKILL, as <c>kill -9</c>) while it writes, on the suite's provider (SQLite
/// in WAL mode, or PostgreSQL): every write it confirmed is there after a restart, and no write is
/// there in part. A client's creation is one transaction: its number, its row, its secret and its audit record.
/// </summary>
public sealed class KilledMidWriteTests
{
    private const int ConfirmedBeforeKill = 20;
    private const int Writers = 4;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task AppKilledWhileCreatingClients_KeepsEveryConfirmedOne_AndNoHalfWrittenOne()
    {
        using var database = TestDatabase.Create();
        RegisteredClient writer;
        await using (var setup = new AuthClientsAppFactory { Database = database })
        {
            writer = await setup.RegisterClientAsync(scopes: [OAuthScopes.AuthClientsRead, OAuthScopes.AuthClientsWrite]);
        }

        database.ReleaseConnections();
        var confirmed = new ConcurrentBag<string>();
        var attempted = new ConcurrentBag<string>();
        var app = await AppProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = database.ConnectionString,
            ["Database:Provider"] = database.Provider,
            ["Bootstrap:AdminEmail"] = AuthClientsAppFactory.AdminEmail,
            ["Bootstrap:AdminPassword"] = AuthClientsAppFactory.AdminPassword,
        });
        var killed = false;
        try
        {
            await app.WaitUntilReadyAsync();
            using var http = new HttpClient { BaseAddress = app.BaseAddress };
            var token = await http.RequestClientCredentialsTokenAsync(writer, OAuthScopes.AuthClientsWrite);
            var writers = Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
            {
                while (true)
                {
                    var name = $"killed-{Guid.NewGuid():N}";
                    attempted.Add(name);
                    try
                    {
                        using var response = await http.SendBearerAsync(HttpMethod.Post, "/api/1.0/auth-clients", token, new { name, grant_types = new[] { "client_credentials" } });
                        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                        confirmed.Add(name);
                    }
                    catch (HttpRequestException)
                    {
                        return; // the process is gone
                    }
                }
            })).ToList();

            using var deadline = new CancellationTokenSource(Deadline);
            while (confirmed.Count < ConfirmedBeforeKill && writers.All(w => !w.IsCompleted))
            {
                await Task.Delay(10, deadline.Token); // polling the writers' progress, bounded by the deadline
            }

            app.Dispose(); // kills the process: SIGKILL, while the writers' next requests are in flight
            killed = true;
            await Task.WhenAll(writers);
        }
        finally
        {
            if (!killed)
            {
                await app.DisposeAsync();
            }
        }

        database.ReleaseConnections();
        await using var db = database.OpenContext();
        var names = attempted.ToHashSet();
        var stored = await db.AuthClients.AsNoTracking()
            .Where(c => c.DisplayName != null && c.DisplayName.StartsWith("killed-"))
            .Select(c => new
            {
                c.DisplayName,
                c.ClientId,
                Secrets = db.AuthClientCredentials.Count(k => k.ApplicationId == c.Id),
                Audited = db.AuditRecords.Count(a => a.Action == AuditActions.AuthClientCreated && a.TargetId == c.ClientId),
            })
            .ToListAsync();

        Assert.True(confirmed.Count >= ConfirmedBeforeKill, $"Only {confirmed.Count} writes were confirmed before the writers stopped.");
        Assert.All(confirmed, name => Assert.Contains(stored, c => c.DisplayName == name));
        Assert.All(stored, c =>
        {
            Assert.Contains(c.DisplayName!, names);
            Assert.Equal(1, c.Secrets);
            Assert.Equal(1, c.Audited);
        });
    }
}
