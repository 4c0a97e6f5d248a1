using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Web.Features.Lists;

/// <summary>Reads one page of a list from the database.</summary>
public static class ListPaging
{
    /// <summary>
    /// Counts the rows (unless <paramref name="total"/> is known already), keeps the page number
    /// within the pages there are (a page past the end shows the last), and reads that page: the
    /// rows are sorted, skipped and taken, then projected.
    /// </summary>
    /// <param name="matches">The list's rows, filtered (by its search) but not sorted: they are what is counted.</param>
    /// <param name="total">Their number when the search counted them already.</param>
    public static async Task<ListPage<TItem>> ToPageAsync<TRow, TItem>(
        this IQueryable<TRow> matches,
        int page,
        int pageSize,
        Func<IQueryable<TRow>, IQueryable<TRow>> sort,
        Expression<Func<TRow, TItem>> projection,
        CancellationToken cancellationToken,
        int? total = null)
    {
        var count = total ?? await matches.CountAsync(cancellationToken);
        var number = Math.Clamp(page, 1, ListPage.PageCount(count, pageSize));
        var items = await sort(matches).Skip((number - 1) * pageSize).Take(pageSize).Select(projection).ToListAsync(cancellationToken);
        return new ListPage<TItem>(items, count, number, pageSize);
    }
}
