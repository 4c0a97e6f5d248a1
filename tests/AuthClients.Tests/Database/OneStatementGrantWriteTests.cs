using AuthClients.Web.Connect;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Tests.Database;

/// <summary>
/// PostgreSQL: the grant's write as one statement (<see cref="OneStatementGrantWrite"/>), on its own:
/// the rows it writes are the rows <c>SaveChanges</c> writes, column for column; it writes nothing
/// when the token changed after it was read; and it refuses what the columns refuse. The grants that
/// use it are tested through HTTP in <c>UserAccessTokenTests</c> (on PostgreSQL).
/// </summary>
public sealed class OneStatementGrantWriteTests : IDisposable
{
    private readonly TestDatabase _database = TestDatabase.CreatePostgreSql();

    [Fact]
    public async Task WonRace_WritesTheRedemptionAndEveryNewRow_AsSaveChangesWould()
    {
        await using var db = await MigratedContextAsync();
        var (spent, byStatement) = await RedeemedWithNewRowsAsync(db, NewToken("spent"), NewToken("chain-1"), NewToken("chain-1", subject: null), NewToken("chain-1", referenceId: "ref-1"));
        await using (var other = _database.OpenContext())
        {
            // The same rows written by SaveChanges, for comparison.
            other.AddRange(NewToken("copy"), NewToken("copy", subject: null), NewToken("copy", referenceId: "ref-2"));
            await other.SaveChangesAsync();
        }

        Assert.True(await OneStatementGrantWrite.TryWriteAsync(db, spent, CancellationToken.None));

        await using var check = _database.OpenContext();
        var stored = await check.Set<AuthClientToken>().AsNoTracking().ToListAsync();
        var redeemed = Assert.Single(stored, t => t.Id == spent.Id);
        Assert.Equal((Statuses.Redeemed, spent.ConcurrencyToken, spent.RedemptionDate), (redeemed.Status, redeemed.ConcurrencyToken, redeemed.RedemptionDate));
        var written = stored.Where(t => byStatement.Contains(t.Id)).OrderBy(t => t.ReferenceId is null).ThenBy(t => t.Subject).ToList();
        var saved = stored.Where(t => t.Properties == "copy").OrderBy(t => t.ReferenceId is null).ThenBy(t => t.Subject).ToList();
        Assert.Equal(3, written.Count);
        Assert.Equal(3, saved.Count);
        foreach (var (one, other) in written.Zip(saved))
        {
            Assert.Equal(
                (other.Type, other.Status, other.Subject, other.Payload, other.RedemptionDate, other.CreationDate, other.ExpirationDate, other.ReferenceId is null),
                (one.Type, one.Status, one.Subject, one.Payload, one.RedemptionDate, one.CreationDate, one.ExpirationDate, one.ReferenceId is null));
            Assert.Equal("chain-1", one.Properties);
        }

        Assert.Equal(EntityState.Unchanged, db.Entry(spent).State); // as after SaveChanges
    }

    [Theory]
    [InlineData("revoked")]
    [InlineData("redeemed")]
    [InlineData("stamped again")]
    public async Task TokenChangedAfterItWasRead_NothingIsWritten(string change)
    {
        await using var db = await MigratedContextAsync();
        var (spent, byStatement) = await RedeemedWithNewRowsAsync(db, NewToken("chain-1"), NewToken("chain-1"));
        await using (var other = _database.OpenContext())
        {
            // OpenIddict's bulk revocation sets the status alone; an update through its manager sets a new stamp.
            var row = other.Set<AuthClientToken>().Where(t => t.Id == spent.Id);
            await (change switch
            {
                "revoked" => row.ExecuteUpdateAsync(t => t.SetProperty(x => x.Status, Statuses.Revoked)),
                "redeemed" => row.ExecuteUpdateAsync(t => t.SetProperty(x => x.Status, Statuses.Redeemed)),
                _ => row.ExecuteUpdateAsync(t => t.SetProperty(x => x.ConcurrencyToken, "another stamp")),
            });
        }

        Assert.False(await OneStatementGrantWrite.TryWriteAsync(db, spent, CancellationToken.None));

        await using var check = _database.OpenContext();
        var stored = await check.Set<AuthClientToken>().SingleAsync(t => t.Id == spent.Id);
        Assert.NotEqual(spent.ConcurrencyToken, stored.ConcurrencyToken);
        Assert.Null(stored.RedemptionDate);
        Assert.False(await check.Set<AuthClientToken>().AnyAsync(t => byStatement.Contains(t.Id)));
    }

    [Fact]
    public async Task TokenReadWithoutAConcurrencyStamp_IsStillRedeemed()
    {
        await using var db = await MigratedContextAsync();
        var old = NewToken("no stamp");
        old.ConcurrencyToken = null;
        var (spent, byStatement) = await RedeemedWithNewRowsAsync(db, old, NewToken("chain-1"));

        Assert.True(await OneStatementGrantWrite.TryWriteAsync(db, spent, CancellationToken.None));

        await using var check = _database.OpenContext();
        Assert.Equal(Statuses.Redeemed, (await check.Set<AuthClientToken>().SingleAsync(t => t.Id == spent.Id)).Status);
        Assert.True(await check.Set<AuthClientToken>().AnyAsync(t => byStatement.Contains(t.Id)));
    }

    [Fact]
    public async Task AValueLongerThanItsColumn_IsRefused_NotCut()
    {
        await using var db = await MigratedContextAsync();
        var (spent, byStatement) = await RedeemedWithNewRowsAsync(db, NewToken("chain-1"), NewToken("chain-1", subject: new string('s', 401))); // Subject is varchar(400)

        var refused = await Assert.ThrowsAsync<PostgresException>(() => OneStatementGrantWrite.TryWriteAsync(db, spent, CancellationToken.None));

        Assert.Equal(PostgresErrorCodes.StringDataRightTruncation, refused.SqlState);
        await using var check = _database.OpenContext();
        Assert.Equal(Statuses.Valid, (await check.Set<AuthClientToken>().SingleAsync(t => t.Id == spent.Id)).Status);
        Assert.False(await check.Set<AuthClientToken>().AnyAsync(t => byStatement.Contains(t.Id)));
    }

    public void Dispose() => _database.Dispose();

    private async Task<AppDbContext> MigratedContextAsync()
    {
        var db = _database.OpenContext();
        await db.Database.MigrateAsync();
        return db;
    }

    /// <summary>
    /// <paramref name="spent"/> stored valid (or as given) and read back tracked, then marked redeemed as
    /// <see cref="SingleUse"/> marks it, with <paramref name="created"/> added as the grant's new rows.
    /// </summary>
    private static async Task<(AuthClientToken Spent, string[] Created)> RedeemedWithNewRowsAsync(AppDbContext db, AuthClientToken spent, params AuthClientToken[] created)
    {
        db.Add(spent);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        var read = await db.Set<AuthClientToken>().SingleAsync(t => t.Id == spent.Id);
        (read.Status, read.RedemptionDate, read.ConcurrencyToken) = (Statuses.Redeemed, WholeSecond(), Guid.NewGuid().ToString());
        db.AddRange(created);
        return (read, [.. created.Select(t => t.Id!)]);
    }

    private static AuthClientToken NewToken(string properties, string? subject = "user-1", string? referenceId = null)
    {
        return new AuthClientToken
        {
            Type = TokenTypeHints.RefreshToken,
            Status = Statuses.Valid,
            Subject = subject,
            ReferenceId = referenceId is null ? null : referenceId + Guid.NewGuid(),
            CreationDate = WholeSecond(),
            ExpirationDate = WholeSecond().AddDays(14),
            Properties = properties,
        };
    }

    // PostgreSQL keeps microseconds, .NET ticks of 100 ns: whole seconds compare equal after the round trip.
    private static DateTime WholeSecond() => DateTime.UnixEpoch.AddSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
}
