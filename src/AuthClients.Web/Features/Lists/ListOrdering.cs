using System.Linq.Expressions;

namespace AuthClients.Web.Features.Lists;

/// <summary>Sorting a list's rows by a column in the direction its URL asks for, one line a column.</summary>
public static class ListOrdering
{
    public static IOrderedQueryable<T> OrderBy<T, TKey>(this IQueryable<T> rows, Expression<Func<T, TKey>> key, bool descending) =>
        descending ? rows.OrderByDescending(key) : rows.OrderBy(key);

    public static IOrderedQueryable<T> ThenBy<T, TKey>(this IOrderedQueryable<T> rows, Expression<Func<T, TKey>> key, bool descending) =>
        descending ? rows.ThenByDescending(key) : rows.ThenBy(key);
}
