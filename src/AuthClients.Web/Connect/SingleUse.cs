using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Connect;

/// <summary>
/// Makes a code or refresh token single-use when the same one arrives several times at once.
/// OpenIddict checks the token's row when the request starts and marks it redeemed at the end, and
/// measured under load (8 copies of one refresh token at once, SQLite and PostgreSQL, before this
/// change too) every copy that read the row before the first was marked got tokens. Here the row is
/// claimed with one conditional update (<c>... SET Status = 'redeemed' WHERE Id = @id AND Status =
/// 'valid'</c>), which the database lets only one request win; the others are refused. OpenIddict's
/// own redemption later in the winning request writes the row again (a second update: the cost).
/// </summary>
public static class SingleUse
{
    public const string AlreadyUsedDescription = "This code or refresh token has already been used.";

    /// <returns>False when another request claimed the token first.</returns>
    public static async Task<bool> ClaimAsync(IServiceProvider services, string? tokenId, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<AppDbContext>();
        // The row OpenIddict read and tracks for this request. Already redeemed: a retry within the
        // refresh token reuse leeway, which OpenIddict's validation let through on purpose.
        var token = tokenId is null ? null : db.ChangeTracker.Entries<AuthClientToken>().FirstOrDefault(e => e.Entity.Id == tokenId)?.Entity;
        if (token is null || token.Status != Statuses.Valid)
        {
            return true;
        }

        var now = DateTime.UtcNow;
        var stamp = Guid.NewGuid().ToString();
        var claim = () => db.Set<AuthClientToken>().Where(t => t.Id == tokenId && t.Status == Statuses.Valid)
            .ExecuteUpdateAsync(t => t.SetProperty(x => x.Status, Statuses.Redeemed).SetProperty(x => x.RedemptionDate, now).SetProperty(x => x.ConcurrencyToken, stamp), cancellationToken);
        var queue = services.GetService<SqliteWriteQueue>();
        if ((queue is null ? await claim() : await queue.WriteAsync(claim, cancellationToken)) == 0)
        {
            return false;
        }

        // OpenIddict's own redemption at the end of this request then writes the row as usual; it
        // checks the concurrency stamp, so it must see the one just written. (It refuses a token it
        // finds already redeemed in memory, hence the status is left as it read it.)
        token.ConcurrencyToken = stamp;
        db.Entry(token).Property(t => t.ConcurrencyToken).OriginalValue = stamp;
        db.Entry(token).Property(t => t.ConcurrencyToken).IsModified = false;
        return true;
    }
}
