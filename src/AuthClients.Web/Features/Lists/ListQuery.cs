namespace AuthClients.Web.Features.Lists;

/// <summary>
/// A list's state as its URL carries it (<c>?search=…&amp;sort=name&amp;dir=desc&amp;page=2&amp;perPage=25&amp;filter=disabled</c>):
/// the Auth Clients page and API, Users and Groups all read it here.
/// </summary>
/// <param name="Columns">The columns this list sorts by; an unknown <paramref name="Sort"/> falls back on its default.</param>
/// <param name="Filter">One of the list's filters (Auth Clients: <c>unused</c>, <c>disabled</c>); an unknown one shows every row.</param>
/// <param name="After">The Next link's token (<see cref="ListCursor"/>): the page starts after the row it names.</param>
/// <param name="Before">The Previous link's token: the page ends before the row it names.</param>
public sealed record ListQuery(
    ListColumns Columns,
    string? Search,
    string? Sort,
    string? Direction,
    int Page = 1,
    int PageSize = ListQuery.DefaultPageSize,
    string? Filter = null,
    string? After = null,
    string? Before = null)
{
    public const int DefaultPageSize = 15;
    public const string Ascending = "asc";
    public const string Descending = "desc";
    public static readonly IReadOnlyList<int> PageSizes = [10, 15, 25, 50, 100];

    public string SortKey => Columns.KeyFor(Sort);

    /// <summary>As asked, or the column's own order when the URL names no direction.</summary>
    public bool SortsDescending => Direction is null ? Columns.ReadsDescending(SortKey) : Direction == Descending;

    public int SafePageSize => PageSizes.Contains(PageSize) ? PageSize : DefaultPageSize;

    public string? Term => SearchTerm.From(Search);

    /// <summary>The filter the URL names when the list offers it; null shows every row.</summary>
    public string? FilterKey => Columns.FilterFor(Filter);

    /// <summary>
    /// Where the page starts, when the URL carries a position taken in this list's order; null
    /// (the page is read by its number) for none, or for a token that cannot be read or belongs
    /// to another column or direction.
    /// </summary>
    public ListSeek? Seek =>
        ListCursor.Decode(After) is { } after && after.Fits(this) ? new ListSeek(after, Backward: false)
        : ListCursor.Decode(Before) is { } before && before.Fits(this) ? new ListSeek(before, Backward: true)
        : null;

    /// <summary>The direction a click on a column's header asks for: the sorted column reverses, another starts in its own order.</summary>
    public string DirectionOnClick(string key) =>
        (SortKey == key ? !SortsDescending : Columns.StartsDescending(key)) ? Descending : Ascending;
}

/// <summary>
/// The columns a list sorts by, as its URLs name them (<c>sort=name</c>), the one it sorts by when
/// the URL names none (or one it does not know), which of them read descending first, and the
/// filters it offers (<c>filter=disabled</c>).
/// </summary>
/// <param name="defaultKey">The column sorted by when the URL names none.</param>
/// <param name="keys">Every column the list sorts by.</param>
/// <param name="defaultDescending">Whether the list, before anyone picks a column, reads descending (Auth Clients: newest first).</param>
/// <param name="descendingFirst">The columns whose header starts descending (Users' Created: newest first).</param>
/// <param name="filters">The filters the list offers, as its URLs name them; none by default.</param>
public sealed class ListColumns(
    string defaultKey,
    IReadOnlyList<string> keys,
    bool defaultDescending = false,
    IReadOnlyList<string>? descendingFirst = null,
    IReadOnlyList<string>? filters = null)
{
    public string KeyFor(string? sort) => sort is not null && keys.Contains(sort) ? sort : defaultKey;

    /// <summary>Whether the column reads descending when the URL names no direction.</summary>
    public bool ReadsDescending(string key) => key == defaultKey ? defaultDescending : StartsDescending(key);

    /// <summary>Whether a click on the column's header, while another column sorts the list, sorts it descending.</summary>
    public bool StartsDescending(string key) => descendingFirst?.Contains(key) == true;

    /// <summary>The filter as the list knows it, or null for one it does not offer (every row).</summary>
    public string? FilterFor(string? filter) => filter is not null && filters?.Contains(filter) == true ? filter : null;
}
