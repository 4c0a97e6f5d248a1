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
    private readonly ConditionalWeakTable<IModel, Compiled> _compiled = new();

    /// <param name="MarksOpening">SQLite: the read marks its connection's opening (<see cref="GrantRead"/>); no other provider looks.</param>
    private sealed record Compiled(Func<AppDbContext, TParameter, CancellationToken, Task<TResult>> Run, bool MarksOpening);

    public async Task<TResult> RunAsync(AppDbContext db, TParameter parameter, CancellationToken cancellationToken)
    {
        var compiled = _compiled.GetValue(db.Model, _ => new Compiled(EF.CompileAsyncQuery(query), db.Database.IsSqlite()));
        if (compiled.MarksOpening)
        {
            GrantRead.Begin(db);
        }

        return await compiled.Run(db, parameter, cancellationToken);
    }
}

/// <summary>
/// Marks the opening of a context's connection for a token path's query (<see cref="PerModelQuery{TParameter, TResult}"/>):
/// on SQLite its statement usually runs on a connection kept open for it, so the connection EF Core
/// opens for it may stay closed (<see cref="Hosting.SqliteKeptStatements"/>).
/// </summary>
public static class GrantRead
{
    private static readonly AsyncLocal<Pending?> Next = new();

    /// <summary>
    /// Marks the next opening of <paramref name="db"/>'s connection within the calling async method
    /// (an async method's changes to an <see cref="AsyncLocal{T}"/> do not reach its caller).
    /// </summary>
    internal static void Begin(DbContext db) => Next.Value = new Pending(db);

    /// <summary>
    /// True, once, when this is the marked opening: only the marked context's, and only its first, so
    /// work that the read's own interceptors start on other contexts opens their connections as usual.
    /// </summary>
    public static bool IsOpeningFor(DbContext? db) => Next.Value is { } pending && pending.Take(db);

    private sealed class Pending(DbContext db)
    {
        private DbContext? _db = db;

        public bool Take(DbContext? opening) => opening is not null && ReferenceEquals(Interlocked.CompareExchange(ref _db, null, opening), opening);
    }
}
