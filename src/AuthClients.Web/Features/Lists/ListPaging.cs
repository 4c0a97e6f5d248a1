using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Web.Features.Lists;

/// <summary>How many rows a list has, or that it has at least <see cref="Total"/> when counting stopped at a limit.</summary>
public sealed record ListCount(int Total, bool IsCapped)
{
    public static ListCount Exact(int total) => new(total, IsCapped: false);

    /// <summary><paramref name="counted"/> rows, shown as at least <paramref name="limit"/> when there are more.</summary>
    public static ListCount UpTo(int counted, int limit) => new(Math.Min(counted, limit), counted > limit);
}

/// <summary>Reads one page of a list from the database.</summary>
public static class ListPaging
{
    /// <summary>
    /// Counts the rows, but no further than <paramref name="limit"/>: past it an exact count reads
    /// every match (hundreds of thousands of rows for a broad search), so the count stops and is
    /// shown as "10,000+". The database stops reading at the limit (<c>COUNT</c> over a <c>LIMIT</c>).
    /// </summary>
    public static async Task<ListCount> CountUpToAsync<TRow>(this IQueryable<TRow> rows, int limit, CancellationToken cancellationToken)
    {
        return ListCount.UpTo(await rows.Take(limit + 1).CountAsync(cancellationToken), limit);
    }

    /// <summary>
    /// Counts the rows (unless <paramref name="count"/> is known already), keeps the page number
    /// within the pages there are (a page past the end shows the last), and reads that page: the
    /// rows are sorted, skipped and taken, then projected.
    /// </summary>
    /// <param name="matches">The list's rows, filtered (by its search) but not sorted: they are what is counted.</param>
    /// <param name="count">Their number when it is known already (the search counted them, or a capped count).</param>
    public static async Task<ListPage<TItem>> ToPageAsync<TRow, TItem>(
        this IQueryable<TRow> matches,
        int page,
        int pageSize,
        Func<IQueryable<TRow>, IQueryable<TRow>> sort,
        Expression<Func<TRow, TItem>> projection,
        CancellationToken cancellationToken,
        ListCount? count = null)
    {
        count ??= ListCount.Exact(await matches.CountAsync(cancellationToken));
        var number = Math.Clamp(page, 1, ListPage.PageCount(count.Total, pageSize));
        var items = await sort(matches).Skip((number - 1) * pageSize).Take(pageSize).Select(projection).ToListAsync(cancellationToken);
        return new ListPage<TItem>(items, count.Total, number, pageSize, count.IsCapped);
    }
}
