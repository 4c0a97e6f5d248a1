namespace AuthClients.Web.Features.Lists;

/// <summary>Where one page of a list stands in the whole: what the "Showing X-Y of Z" line and the page links need.</summary>
/// <param name="TotalIsLowerBound">Counting stopped at a limit (<see cref="ListCount"/>): there are at least <paramref name="Total"/> rows, maybe more.</param>
public abstract record ListPage(int Total, int Page, int PageSize, bool TotalIsLowerBound = false)
{
    public int TotalPages => PageCount(Total, PageSize);

    /// <summary>The number of the page's first row, counting from 1; 0 when the list is empty.</summary>
    public int First => Total == 0 ? 0 : ((Page - 1) * PageSize) + 1;

    public int Last => Math.Min(Total, Page * PageSize);

    /// <summary>The position of the page's last row (<see cref="ListCursor"/>), for the Next link; null when the list is not read by position, or this is its end.</summary>
    public string? NextCursor { get; init; }

    /// <summary>The position of the page's first row, for the Previous link; null when the list is not read by position, or the previous page is the first.</summary>
    public string? PreviousCursor { get; init; }

    /// <summary>
    /// The rows the list's count reached: <see cref="Total"/>, except on a page read past a capped
    /// count (see <c>ListPaging.ToKeysetPageAsync</c>), whose <see cref="Total"/> also counts the rows shown before it.
    /// </summary>
    public int Counted { get => field == 0 ? Total : field; init; }

    /// <summary>
    /// The pages a link can reach by number: all of them, except past a capped count, whose pages
    /// are reached only from their neighbours (<see cref="NextCursor"/>, <see cref="PreviousCursor"/>).
    /// </summary>
    public int NumberedPages => Math.Min(TotalPages, PageCount(Counted, PageSize));

    /// <summary>Whether a page follows this one.</summary>
    public bool HasNext => Page < TotalPages || NextCursor is not null;

    /// <summary>How many pages <paramref name="total"/> rows fill; an empty list still has its one (empty) page.</summary>
    public static int PageCount(int total, int pageSize) => Math.Max(1, (total + pageSize - 1) / pageSize);
}

/// <summary>One page of a list: its rows, and where they stand in the whole.</summary>
public sealed record ListPage<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize, bool TotalIsLowerBound = false)
    : ListPage(Total, Page, PageSize, TotalIsLowerBound)
{
    /// <summary>The same page with its rows made into others (rows read from the database into list items).</summary>
    public ListPage<TResult> Select<TResult>(Func<T, TResult> selector) => new(Items.Select(selector).ToList(), Total, Page, PageSize, TotalIsLowerBound)
    {
        NextCursor = NextCursor,
        PreviousCursor = PreviousCursor,
        Counted = Counted,
    };
}
