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
    /// shown as "1,000+". The database stops reading at the limit (<c>COUNT</c> over a <c>LIMIT</c>).
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

    /// <summary>
    /// One page of a list that can be read by position (<see cref="ListCursor"/>): after or before
    /// the row the link names (the page's Next and Previous links carry it), so a deep page reads
    /// its own rows through the sort's index instead of skipping every row before it. Without a
    /// usable position the page is read by its number, as <see cref="ToPageAsync"/> does, except
    /// the last page of an exactly counted list, read from the end backwards. Each page carries the
    /// positions of its first and last rows for its own links.
    /// A list whose count stopped at its limit (<see cref="ListCount.IsCapped"/>) is numbered up to
    /// that limit, and its Next link goes on past it, one page at a time from the last row, for as long
    /// as rows follow: each such page reads one row more than it shows, to know whether one does. So
    /// every match of a broad search is reached, however low the count limit, while the count itself
    /// stops early (counting is what costs a broad search its time).
    /// </summary>
    /// <param name="matches">The list's rows, filtered (by its search) but not sorted.</param>
    /// <param name="anchorsFor">
    /// For a page read by its number that skips the given rows: positions in the list's order to
    /// start from (<see cref="ListAnchors"/>), or null to skip them all. Only for a whole list
    /// whose <paramref name="count"/> is exact.
    /// </param>
    public static async Task<ListPage<TItem>> ToKeysetPageAsync<TRow, TItem>(
        this IQueryable<TRow> matches,
        ListQuery query,
        ListKeyset<TRow, TItem> keyset,
        ListCount count,
        CancellationToken cancellationToken,
        Func<int, ListAnchors?>? anchorsFor = null)
    {
        var size = query.SafePageSize;
        var descending = query.SortsDescending;
        var pageCount = ListPage.PageCount(count.Total, size);
        // Past a capped count, a page is reached only from its neighbour's position, and numbered on
        // from it (no further than its rows' numbers, and their pages', fit in an int).
        var number = Math.Clamp(query.Page, 1, count.IsCapped && query.Seek is not null ? (int.MaxValue / size) - 1 : pageCount);
        // A capped list reads a row more than it shows: whether it is there says whether a next page is.
        var take = count.IsCapped ? size + 1 : size;
        var items = number > 1 && query.Seek is { } seek ? await SeekAsync(matches, keyset, seek, descending, size, take, cancellationToken) : null;
        var followed = items is not null && query.Seek!.Backward;
        number = items is null ? Math.Min(number, pageCount) : number;
        if (items is null && number == pageCount && number > 1 && !count.IsCapped)
        {
            // The last page: its rows are the first of the reverse order, however deep the list.
            items = await keyset.Sort(matches, !descending).Take(count.Total - ((number - 1) * size)).Select(keyset.Projection).ToListAsync(cancellationToken);
            items.Reverse();
        }

        if (items is null)
        {
            var skip = (number - 1) * size;
            if (skip > 0 && anchorsFor is not null && anchorsFor(skip)?.Nearest(skip, count.Total, descending) is ({ } after, var rest)
                && keyset.Past(after, !descending) is { } past)
            {
                (matches, skip) = (matches.Where(past), rest);
            }

            items = skip > 0 && keyset.Window?.Invoke(matches, descending, skip, take) is { } window
                ? await keyset.Sort(window, descending).Take(take).Select(keyset.Projection).ToListAsync(cancellationToken)
                : await keyset.Sort(matches, descending).Skip(skip).Take(take).Select(keyset.Projection).ToListAsync(cancellationToken);
        }

        // A page read backwards (a Previous link) was reached from the page after it.
        var rowsFollow = followed || items.Count > size;
        if (items.Count > size)
        {
            items.RemoveRange(size, items.Count - size);
        }

        var (total, capped, hasNext) = (count.Total, count.IsCapped, number < pageCount);
        if (count.IsCapped)
        {
            // Rows counted past this page's last make the total at least that; none following make it exact.
            var shown = ((number - 1) * size) + items.Count;
            (total, capped, hasNext) = rowsFollow ? (Math.Max(count.Total, shown), true, true) : (shown, false, false);
        }

        return new ListPage<TItem>(items, total, number, size, capped)
        {
            NextCursor = hasNext && items.Count > 0 ? CursorOf(items[^1]) : null,
            PreviousCursor = number > 2 && items.Count > 0 ? CursorOf(items[0]) : null,
            Counted = count.Total,
        };

        string CursorOf(TItem item)
        {
            var (value, tie) = keyset.PositionOf(item);
            return new ListCursor(query.SortKey, descending, value, tie).Encode();
        }
    }

    /// <returns>The page's rows; null when the position does not give a page (unreadable for the column, nothing after it, too little before it), and the page is read by its number.</returns>
    /// <param name="take">Rows to read forward: the page's, and one more when the caller wants to know whether rows follow it.</param>
    private static async Task<List<TItem>?> SeekAsync<TRow, TItem>(
        IQueryable<TRow> matches, ListKeyset<TRow, TItem> keyset, ListSeek seek, bool descending, int size, int take, CancellationToken cancellationToken)
    {
        if (keyset.Past(seek.At, seek.Backward == descending) is not { } past)
        {
            return null;
        }

        var rows = await keyset.Sort(matches.Where(past), descending != seek.Backward).Take(seek.Backward ? size : take).Select(keyset.Projection).ToListAsync(cancellationToken);
        if (!seek.Backward)
        {
            return rows.Count > 0 ? rows : null;
        }

        // Fewer rows before the position than a page: the list's start is near (rows were deleted), so its number places it better.
        rows.Reverse();
        return rows.Count == size ? rows : null;
    }
}
