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
/// that PostgreSQL plans them once per connection (<see cref="PreparedGrantStatements"/>). Off in the baseline.
/// </summary>
public sealed class AuthClientTokenStore(IMemoryCache cache, IOpenIddictEntityFrameworkCoreContext context, IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> options)
    : OpenIddictEntityFrameworkCoreTokenStore<AuthClientToken, AuthClientApplication, AuthClientAuthorization, string>(cache, context, options)
{
    public override async ValueTask<AuthClientToken?> FindByIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        var db = (AppDbContext)await Context.GetDbContextAsync(cancellationToken);

        // As OpenIddict's store: a row this context already tracks is the answer, without a query.
        return Tracked(db, token => token.Id == identifier)
            ?? await ById.RunAsync(db, identifier, cancellationToken);
    }

    public override async ValueTask<AuthClientToken?> FindByReferenceIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        var db = (AppDbContext)await Context.GetDbContextAsync(cancellationToken);
        return Tracked(db, token => string.Equals(token.ReferenceId, identifier, StringComparison.Ordinal))
            ?? await ByReferenceId.RunAsync(db, identifier, cancellationToken);
    }

    private static AuthClientToken? Tracked(AppDbContext db, Func<AuthClientToken, bool> match) =>
        db.ChangeTracker.Entries<AuthClientToken>().Select(entry => entry.Entity).FirstOrDefault(match);

    private static readonly PerModelQuery<string, AuthClientToken?> ById = new((db, id, _) =>
        db.Set<AuthClientToken>().AsTracking().Include(t => t.Application).Include(t => t.Authorization)
            .TagWith(PreparedGrantStatements.Tag).FirstOrDefault(t => t.Id == id));

    private static readonly PerModelQuery<string, AuthClientToken?> ByReferenceId = new((db, id, _) =>
        db.Set<AuthClientToken>().AsTracking().Include(t => t.Application).Include(t => t.Authorization)
            .TagWith(PreparedGrantStatements.Tag).FirstOrDefault(t => t.ReferenceId == id));
}
