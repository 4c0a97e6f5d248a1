using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace AuthClients.Web.Data;

/// <summary>
/// A query of the token path compiled once with EF Core (<c>EF.CompileAsyncQuery</c>), so it skips the
/// LINQ pipeline's parameter extraction and query-cache look-up on every run. A compiled query
/// serves one model, so there is one per model (per database provider).
/// </summary>
public sealed class PerModelQuery<TParameter, TResult>(Expression<Func<AppDbContext, TParameter, CancellationToken, TResult>> query)
{
    private readonly ConditionalWeakTable<IModel, Func<AppDbContext, TParameter, CancellationToken, Task<TResult>>> _compiled = new();

    public Task<TResult> RunAsync(AppDbContext db, TParameter parameter, CancellationToken cancellationToken) =>
        _compiled.GetValue(db.Model, _ => EF.CompileAsyncQuery(query))(db, parameter, cancellationToken);
}
