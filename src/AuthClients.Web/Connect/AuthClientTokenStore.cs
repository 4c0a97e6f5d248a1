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
/// <para>
/// A token's client is known by its key (<see cref="ClientKeys"/>), never by loading the client's
/// row: OpenIddict's store includes the client (some 25 columns, its JSON texts among them) in every
/// read of a token, tracked, only so that the token cache can name its id and the grant's new token
/// can be pointed at it. Here the read leaves the client out, the client's id comes from the row's
/// foreign key, and a new token gets its foreign key when it is added.
/// </para>
/// </summary>
public sealed class AuthClientTokenStore(
    IMemoryCache cache,
    IOpenIddictEntityFrameworkCoreContext context,
    IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> options,
    GrantUsers grantUsers,
    GrantWrite grantWrite)
    : OpenIddictEntityFrameworkCoreTokenStore<AuthClientToken, AuthClientApplication, AuthClientAuthorization, string>(cache, context, options)
{
    // The clients of new tokens, named before the token is added (OpenIddict's manager fills a new
    // token, then creates it); the foreign key is set when it is added.
    private readonly Dictionary<AuthClientToken, string> _clientsOfNewTokens = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// As OpenIddict's store (add the row, save), with the client's key set (<see cref="SetApplicationIdAsync"/>),
    /// except while a code or refresh grant's redemption waits: the row is then only added, and
    /// <see cref="GrantWrite"/> saves it with the redemption.
    /// </summary>
    public override async ValueTask CreateAsync(AuthClientToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var db = await Context.GetDbContextAsync(cancellationToken);
        var entry = db.Add(token);
        if (_clientsOfNewTokens.Remove(token, out var clientId))
        {
            entry.Property<string?>(ClientKeys.Property).CurrentValue = clientId;
        }

        if (!grantWrite.IsPending)
        {
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>As OpenIddict's store, except that a new token's client is not read (OpenIddict's store finds it by key).</summary>
    public override async ValueTask SetApplicationIdAsync(AuthClientToken token, string? identifier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var db = await Context.GetDbContextAsync(cancellationToken);
        if (string.IsNullOrEmpty(identifier) || db.Entry(token).State != EntityState.Detached)
        {
            _clientsOfNewTokens.Remove(token);
            await base.SetApplicationIdAsync(token, identifier, cancellationToken);
            return;
        }

        token.Application = null; // a client set before must not answer GetApplicationIdAsync instead of this one
        _clientsOfNewTokens[token] = identifier;
    }

    /// <summary>The token's client id, from the client if it was read, else from the token's foreign key (OpenIddict's store reads the client).</summary>
    public override async ValueTask<string?> GetApplicationIdAsync(AuthClientToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Application is { } client)
        {
            return client.Id;
        }

        if (_clientsOfNewTokens.TryGetValue(token, out var clientId))
        {
            return clientId;
        }

        return ClientKeys.Of(await Context.GetDbContextAsync(cancellationToken), token);
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
        (from token in db.Set<AuthClientToken>().AsTracking().Include(t => t.Authorization).TagWith(PreparedGrantStatements.Tag)
         where token.Id == id
         join user in db.Users on token.Subject equals user.Id into users
         from user in users.DefaultIfEmpty()
         select new TokenRead(token, user == null ? null : new GrantUser(user.Id, user.Email, user.FirstName, user.LastName, user.UserName, user.IsActive)))
        .FirstOrDefault());

    private static readonly PerModelQuery<string, TokenRead?> ByReferenceId = new((db, id, _) =>
        (from token in db.Set<AuthClientToken>().AsTracking().Include(t => t.Authorization).TagWith(PreparedGrantStatements.Tag)
         where token.ReferenceId == id
         join user in db.Users on token.Subject equals user.Id into users
         from user in users.DefaultIfEmpty()
         select new TokenRead(token, user == null ? null : new GrantUser(user.Id, user.Email, user.FirstName, user.LastName, user.UserName, user.IsActive)))
        .FirstOrDefault());
}
