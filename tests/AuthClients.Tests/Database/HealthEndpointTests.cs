using System.Net;
using System.Text.Json;
using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AuthClients.Tests.Database;

/// <summary>/health/live and /health/ready, as a load balancer probes them: anonymously.</summary>
public sealed class HealthEndpointTests(AuthClientsAppFactory app) : IClassFixture<AuthClientsAppFactory>
{
    [Fact]
    public async Task Live_AnswersAnonymously()
    {
        var response = await app.CreateBrowser().GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await StatusAsync(response));
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ready_OnAMigratedDatabase_AnswersAnonymously()
    {
        var response = await app.CreateBrowser().GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal(["database", "migrations"], body.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Ready_WithMigrateOnStartupOff_IsNotReadyUntilTheMigrationsAreApplied()
    {
        await using var notMigrating = new AuthClientsAppFactory { Settings = { ["Database:MigrateOnStartup"] = "false" } };
        var browser = notMigrating.CreateBrowser();

        var ready = await browser.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("migration(s) pending", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await browser.GetAsync(new Uri("/account/login", UriKind.Relative))).StatusCode);
        await using (var db = notMigrating.Database.OpenContext())
        {
            Assert.NotEmpty(await db.Database.GetPendingMigrationsAsync());
        }

        // The operator applies them (here in-process; docs/operations.md shows the migrate command and the script).
        await notMigrating.Services.CreateAsyncScope().ServiceProvider.GetRequiredService<AppDbContext>().Database.MigrateAsync();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await browser.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "Still not ready 20 s after the migrations were applied.");
            await Task.Delay(250);
        }

        // Without a restart: the first administrator exists and signs in.
        await notMigrating.SignedInAsAdminAsync();
    }

    [Fact]
    public async Task Ready_WhenTheDatabaseCannotBeReached_SaysSoWhileLiveStaysUp()
    {
        using var reachable = TestDatabase.Create();
        var unreachable = reachable.IsPostgreSql
            ? reachable.ConnectionString.Replace(reachable.Name, $"{reachable.Name}_missing", StringComparison.Ordinal)
            : $"Data Source={reachable.Name}.missing;Mode=ReadOnly";
        await using var cut = new AuthClientsAppFactory
        {
            Database = reachable,
            Settings =
            {
                ["ConnectionStrings:Default"] = unreachable,
                ["Database:MigrateOnStartup"] = "false",
            },
        };
        var browser = cut.CreateClient();

        var ready = await browser.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        var database = body.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "database");
        Assert.Equal("Unhealthy", database.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        var migrations = body.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "migrations");
        Assert.Equal("Unhealthy", migrations.GetProperty("status").GetString());

        // A load balancer probes every few seconds: no probe logs a stack trace.
        for (var probe = 0; probe < 3; probe++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await browser.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
        }

        Assert.DoesNotContain(cut.LogEntries, e => e.Category.Contains("HealthChecks", StringComparison.Ordinal) && e.Exception is not null);
    }

    private static async Task<string?> StatusAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("status").GetString();
    }
}
