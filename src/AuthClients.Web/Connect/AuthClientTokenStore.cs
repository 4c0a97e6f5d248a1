using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore;

namespace AuthClients.Web.Connect;

/// <summary>
/// OpenIddict's Entity Framework Core token store, with the two look-ups that code exchanges and
/// refreshes make (the token by its id, and a code by its reference id; each with its client and
/// authorization, tracked, as OpenIddict's store reads them) compiled once per model instead of going
/// through EF Core's LINQ pipeline (parameter extraction and the query cache's expression hashing) on
/// every grant: the look-up was a tenth of a refresh's CPU (perf, docs/performance.md). Tagged, so
/// that PostgreSQL plans them once per connection (<see cref="PreparedGrantStatements"/>). The same
/// statement reads the token's user for the grant (<see cref="GrantUsers"/>). A grant's new token rows
/// are written with its redemption (<see cref="GrantWrite"/>). Off in the baseline.
/// </summary>
public sealed class AuthClientTokenStore(
    IMemoryCache cache,
    IOpenIddictEntityFrameworkCoreContext context,
    IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> options,
    GrantUsers grantUsers,
    GrantWrite grantWrite)
    : OpenIddictEntityFrameworkCoreTokenStore<AuthClientToken, AuthClientApplication, AuthClientAuthorization, string>(cache, context, options)
{
    /// <summary>
    /// As OpenIddict's store (add the row, save), except while a code or refresh grant's redemption
    /// waits: the row is then only added, and <see cref="GrantWrite"/> saves it with the redemption.
    /// </summary>
    public override async ValueTask CreateAsync(AuthClientToken token, CancellationToken cancellationToken)
    {
        if (!grantWrite.IsPending)
        {
            await base.CreateAsync(token, cancellationToken);
            return;
        }

        ArgumentNullException.ThrowIfNull(token);
        (await Context.GetDbContextAsync(cancellationToken)).Add(token);
    }

    public override async ValueTask<AuthClientToken?> FindByIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        var db = (AppDbContext)await Context.GetDbContextAsync(cancellationToken);

        // As OpenIddict's store: a row this context already tracks is the answer, without a query.
        return Tracked(db, token => token.Id == identifier)
            ?? WithUser(await ById.RunAsync(db, identifier, cancellationToken));
    }

    public override async ValueTask<AuthClientToken?> FindByReferenceIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        var db = (AppDbContext)await Context.GetDbContextAsync(cancellationToken);
        return Tracked(db, token => string.Equals(token.ReferenceId, identifier, StringComparison.Ordinal))
            ?? WithUser(await ByReferenceId.RunAsync(db, identifier, cancellationToken));
    }

    private static AuthClientToken? Tracked(AppDbContext db, Func<AuthClientToken, bool> match) =>
        db.ChangeTracker.Entries<AuthClientToken>().Select(entry => entry.Entity).FirstOrDefault(match);

    private AuthClientToken? WithUser(TokenRead? read)
    {
        if (read?.Token.Subject is { } subject)
        {
            grantUsers.Remember(subject, read.User);
        }

        return read?.Token;
    }

    /// <summary>A token row and the user its subject names, if any.</summary>
    private sealed record TokenRead(AuthClientToken Token, GrantUser? User);

    // The two look-ups differ only in their key (EF Core compiles a query as it is written).
    private static readonly PerModelQuery<string, TokenRead?> ById = new((db, id, _) =>
        (from token in db.Set<AuthClientToken>().AsTracking().Include(t => t.Application).Include(t => t.Authorization).TagWith(PreparedGrantStatements.Tag)
         where token.Id == id
         join user in db.Users on token.Subject equals user.Id into users
         from user in users.DefaultIfEmpty()
         select new TokenRead(token, user == null ? null : new GrantUser(user.Id, user.Email, user.FirstName, user.LastName, user.UserName, user.IsActive)))
        .FirstOrDefault());

    private static readonly PerModelQuery<string, TokenRead?> ByReferenceId = new((db, id, _) =>
        (from token in db.Set<AuthClientToken>().AsTracking().Include(t => t.Application).Include(t => t.Authorization).TagWith(PreparedGrantStatements.Tag)
         where token.ReferenceId == id
         join user in db.Users on token.Subject equals user.Id into users
         from user in users.DefaultIfEmpty()
         select new TokenRead(token, user == null ? null : new GrantUser(user.Id, user.Email, user.FirstName, user.LastName, user.UserName, user.IsActive)))
        .FirstOrDefault());
}
