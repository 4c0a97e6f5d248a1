using AuthClients.Tests.Infrastructure;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static AuthClients.Tests.Audit.AuditLogPages;

namespace AuthClients.Tests.Audit;

/// <summary>
/// Retention: audit records older than <c>Audit:RetentionDays</c> and client activity older than
/// <c>Audit:ActivityRetentionDays</c> are removed every <c>Audit:PruneInterval</c>, by one instance
/// of several on one database (the holder of the lease), newer rows kept; bad settings stop the app.
/// </summary>
public sealed class AuditRetentionTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly AuthClientsAppFactory _app;

    public AuditRetentionTests() => _app = NewInstance(database: null);

    [Fact]
    public async Task Run_RemovesRecordsAndActivityPastRetention_AndKeepsNewerOnes()
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var tag = $"r-{Guid.NewGuid():N}";
        await _app.SeedAsync([
            Record("auth-client.updated", "auth-client", tag, now.AddDays(-366)),
            Record("auth-client.updated", "auth-client", tag, now.AddDays(-364)),
        ]);
        await SeedActivityAsync(tag, old: now.AddDays(-91), recent: now.AddDays(-89));

        var result = await RetentionOf(_app).RunOnceAsync();

        Assert.NotNull(result);
        Assert.Equal(1, result.AuditRecords);
        Assert.Equal(3, result.ActivityRows);
        Assert.Equal([now.AddDays(-364)], (await _app.RecordsAsync(q => q.Where(r => r.TargetId == tag))).Select(r => r.OccurredAt));
        Assert.Equal((1, 1, 1), await ActivityCountsAsync(_app, tag));
        Assert.Equal(now, (await LeaseAsync(_app))!.LastRunAt);
        Assert.Contains(_app.LogEntries, e => e.Level == LogLevel.Information && e.Message.Contains("removed 1 audit records", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Timer_PrunesAfterTheInterval()
    {
        var tag = $"r-{Guid.NewGuid():N}";
        await _app.SeedAsync([Record("auth-client.updated", "auth-client", tag, _clock.GetUtcNow().UtcDateTime.AddDays(-400))]);

        _clock.Advance(Interval);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await _app.RecordsAsync(q => q.Where(r => r.TargetId == tag))).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The old record was not removed after one interval.");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task TwoInstances_OnOneDatabase_OnlyTheLeaseHolderRuns_UntilItStops()
    {
        // A database neither app owns, so that stopping either leaves it in place.
        using var database = TestDatabase.Create();
        var one = NewInstance(database);
        var other = NewInstance(database);
        try
        {
            // Both at once, on the same tick: one takes the lease, the other skips.
            var first = await Task.WhenAll(RetentionOf(one).RunOnceAsync(), RetentionOf(other).RunOnceAsync());
            Assert.Single(first, r => r is not null);
            var (holderApp, waitingApp) = first[0] is not null ? (one, other) : (other, one);
            var (holder, waiting) = (RetentionOf(holderApp), RetentionOf(waitingApp));

            // Every following interval the holder renews and runs (its own timer ticks too); the other keeps skipping.
            for (var tick = 0; tick < 3; tick++)
            {
                _clock.Advance(Interval / 2);
                Assert.Null(await waiting.RunOnceAsync());
                _clock.Advance(Interval / 2);
                Assert.NotNull(await holder.RunOnceAsync());
                Assert.Null(await waiting.RunOnceAsync());
            }

            // The holder stops: its lease (two intervals, so a late tick or a long run of the holder
            // does not let a second instance start) still holds one interval on, then the other takes over.
            holderApp.Dispose();
            _clock.Advance(Interval + TimeSpan.FromSeconds(1));
            Assert.Null(await waiting.RunOnceAsync());
            _clock.Advance(Interval);
            Assert.NotNull(await waiting.RunOnceAsync());
            Assert.Equal(_clock.GetUtcNow().UtcDateTime, (await LeaseAsync(waitingApp))!.LastRunAt);
        }
        finally
        {
            one.Dispose();
            other.Dispose();
        }
    }

    [Fact]
    public async Task DatabaseError_IsLoggedOnce_AndTheNextRunTriesAgain()
    {
        var retention = RetentionOf(_app);
        await RenameLeaseTableAsync("BackgroundLeases", "BackgroundLeasesAway");

        Assert.Null(await retention.RunOnceAsync());
        Assert.Null(await retention.RunOnceAsync());
        Assert.Single(_app.LogEntries, e => e.Level == LogLevel.Warning && e.Category.EndsWith(nameof(AuditRetention), StringComparison.Ordinal));

        await RenameLeaseTableAsync("BackgroundLeasesAway", "BackgroundLeases");
        Assert.NotNull(await retention.RunOnceAsync());
        Assert.Contains(_app.LogEntries, e => e.Message.Contains("after 2 failed runs", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Audit:RetentionDays", "0")]
    [InlineData("Audit:ActivityRetentionDays", "30")]
    [InlineData("Audit:PruneInterval", "00:00:30")]
    public async Task Start_WithAuditSettingOutOfRange_ExitsNamingIt(string key, string value)
    {
        var (exitCode, output) = await AppProcess.RunToExitAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = $"Data Source={Path.Combine(Path.GetTempPath(), $"audit-settings-{Guid.NewGuid():N}.db")}",
            [key] = value,
        });

        Assert.Equal(1, exitCode);
        Assert.Contains(key, Assert.Single(output.Split('\n'), line => line.StartsWith("  - ", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    public void Dispose() => _app.Dispose();

    private AuthClientsAppFactory NewInstance(TestDatabase? database)
    {
        var clock = _clock;
        return database is null
            ? new AuthClientsAppFactory { TestServices = services => services.AddSingleton<TimeProvider>(clock) }
            : new AuthClientsAppFactory { Database = database, TestServices = services => services.AddSingleton<TimeProvider>(clock) };
    }

    private Task<int> RenameLeaseTableAsync(string from, string to)
    {
        var rename = $"ALTER TABLE \"{from}\" RENAME TO \"{to}\""; // two constant names, quoted for PostgreSQL
        return _app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().Database.ExecuteSqlRawAsync(rename));
    }

    private static AuditRetention RetentionOf(AuthClientsAppFactory app) => app.Services.GetRequiredService<AuditRetention>();

    private Task SeedActivityAsync(string clientId, DateTime old, DateTime recent) =>
        _app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            foreach (var at in new[] { old, recent })
            {
                var hour = new DateTime(at.Year, at.Month, at.Day, at.Hour, 0, 0, DateTimeKind.Utc);
                db.ClientTokenCounts.Add(new ClientTokenCount { ClientId = clientId, Hour = hour, GrantType = "client_credentials", Count = 3 });
                db.ClientFailureCounts.Add(new ClientFailureCount { ClientId = clientId, Hour = hour, Reason = "wrong-secret", Count = 2 });
                db.ClientFailures.Add(new ClientFailure { ClientId = clientId, OccurredAt = at, Reason = "wrong-secret", IpAddress = "198.51.100.9" });
            }

            await db.SaveChangesAsync();
        });

    private static Task<(int, int, int)> ActivityCountsAsync(AuthClientsAppFactory app, string clientId) =>
        app.WithServicesAsync(async services =>
        {
            var db = services.GetRequiredService<AppDbContext>();
            return (await db.ClientTokenCounts.CountAsync(c => c.ClientId == clientId),
                await db.ClientFailureCounts.CountAsync(c => c.ClientId == clientId),
                await db.ClientFailures.CountAsync(c => c.ClientId == clientId));
        });

    private static Task<BackgroundLease?> LeaseAsync(AuthClientsAppFactory app) =>
        app.WithServicesAsync(services => services.GetRequiredService<AppDbContext>().BackgroundLeases.AsNoTracking().SingleOrDefaultAsync(l => l.Name == AuditRetention.LeaseName));
}
