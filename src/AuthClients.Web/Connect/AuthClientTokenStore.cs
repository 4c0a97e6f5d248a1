using System.Runtime.CompilerServices;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore;

namespace AuthClients.Web.Connect;

/// <summary>
/// OpenIddict's Entity Framework Core token store, with the look-up that every code exchange and
/// refresh makes (the token by its id, with its client and authorization, tracked, as OpenIddict's
/// store reads it) compiled once per model instead of going through EF Core's LINQ pipeline
/// (parameter extraction and the query cache's expression hashing) on each grant: that look-up was
/// a tenth of a refresh's CPU (perf, docs/performance.md). Off in the baseline.
/// </summary>
public sealed class AuthClientTokenStore(IMemoryCache cache, IOpenIddictEntityFrameworkCoreContext context, IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> options)
    : OpenIddictEntityFrameworkCoreTokenStore<AuthClientToken, AuthClientApplication, AuthClientAuthorization, string>(cache, context, options)
{
    public override async ValueTask<AuthClientToken?> FindByIdAsync(string identifier, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        var db = (AppDbContext)await Context.GetDbContextAsync(cancellationToken);

        // As OpenIddict's store: a row this context already tracks is the answer, without a query.
        return db.ChangeTracker.Entries<AuthClientToken>().FirstOrDefault(entry => entry.Entity.Id == identifier)?.Entity
            ?? await ByIdQueries.GetValue(db.Model, static _ => EF.CompileAsyncQuery((AppDbContext db, string id, CancellationToken _) =>
                db.Set<AuthClientToken>().AsTracking().Include(t => t.Application).Include(t => t.Authorization).FirstOrDefault(t => t.Id == id)))(db, identifier, cancellationToken);
    }

    // A compiled query serves one model, so one per model (per database provider).
    private static readonly ConditionalWeakTable<IModel, Func<AppDbContext, string, CancellationToken, Task<AuthClientToken?>>> ByIdQueries = new();
}
