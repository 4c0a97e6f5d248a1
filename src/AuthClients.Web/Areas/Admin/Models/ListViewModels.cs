using System.Globalization;
using AuthClients.Web.Features.Lists;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Areas.Admin.Models;

/// <summary>A searched, sorted, paged list (Auth Clients, Users, Groups) as its page shows it.</summary>
public sealed record ListViewModel<T>(ListQuery Query, ListPage<T> Page)
{
    /// <summary>
    /// The line under the table; its per-page form keeps the search and the sort. The links to the
    /// pages either side carry the position of this page's last or first row, when the list gives
    /// one (<see cref="ListPage.NextCursor"/>), so they are read from there instead of by number; the
    /// current page's own link is the position it was read from (past a capped count it has no number to be read by).
    /// </summary>
    public ListFooterViewModel Footer(string action, IUrlHelper url) => new(
        action,
        Page,
        ListQuery.PageSizes,
        new Dictionary<string, string?> { ["search"] = Query.Term, ["sort"] = Query.Sort, ["dir"] = Query.Direction, ["filter"] = Query.FilterKey },
        page => url.ListUrl(
            Query,
            page: page,
            after: page == Page.Page + 1 ? Page.NextCursor : page == Page.Page ? Query.After : null,
            before: page == Page.Page - 1 ? Page.PreviousCursor : page == Page.Page ? Query.Before : null));
}

/// <summary>
/// The line under a list: "Showing X-Y of Z", the per-page choice (when there is one) and the page
/// links. The query string keeps the rest of the list's state (search, sort).
/// </summary>
/// <param name="Action">Where the per-page form goes.</param>
/// <param name="PageSizes">The per-page choices; a list of a fixed size offers none.</param>
/// <param name="Hidden">Query values the per-page form carries along (search, sort, direction).</param>
/// <param name="PageUrl">The list's URL for a page number, everything else unchanged.</param>
/// <param name="TotalText">The "of Z" when it is not the exact total (the Audit Log's "10,000+").</param>
public sealed record ListFooterViewModel(
    string Action,
    ListPage Page,
    IReadOnlyList<int> PageSizes,
    IReadOnlyDictionary<string, string?> Hidden,
    Func<int, string> PageUrl,
    string? TotalText = null)
{
    /// <summary>The footer of a list that shows a fixed number of rows a page: no per-page choice.</summary>
    public static ListFooterViewModel FixedSize(ListPage page, Func<int, string> pageUrl) =>
        new("", page, [], new Dictionary<string, string?>(), pageUrl);
}

/// <summary>The header cell of a column the list sorts by: a link that sorts by it, or reverses it.</summary>
/// <param name="SortUrl">The list's URL for a column and direction, when the list keeps more state than <see cref="ListUrls.ListUrl"/> carries (the Audit Log's filters).</param>
public sealed record SortHeaderViewModel(ListQuery Query, string Key, string Title, Func<string, string, string>? SortUrl = null);

/// <summary>The line above a list: its title, its search box and, for a viewer who may create, its Create button.</summary>
/// <param name="Action">The list's URL, where the search goes; the Create button goes to its <c>/create</c>.</param>
/// <param name="Noun">What a row is, as the Create button names it ("Auth Client").</param>
public sealed record ListHeaderViewModel(string Title, string Action, ListQuery Query, string Noun, bool CanCreate)
{
    public SearchBoxViewModel Search => SearchBoxViewModel.ForList(Action, Query);
}

/// <summary>
/// A search box: a GET form whose new search starts at page 1 and keeps the values given (a list's
/// sort and page size).
/// </summary>
/// <param name="Name">The query parameter, also the input's id.</param>
/// <param name="Label">The input's (visually hidden) label and its placeholder.</param>
/// <param name="ButtonText">The submit button's text; without one the button is a search icon.</param>
/// <param name="Keep">Query values the form carries along; a null value is left out.</param>
public sealed record SearchBoxViewModel(
    string Action,
    string Name,
    string? Term,
    string Label,
    string? ButtonText,
    IReadOnlyDictionary<string, string?> Keep)
{
    /// <summary>A list's search box: <c>search</c>, keeping the sort, the filter and a page size that is not the default.</summary>
    public static SearchBoxViewModel ForList(string action, ListQuery query) => new(
        action,
        "search",
        query.Term,
        "Search",
        null,
        new Dictionary<string, string?>
        {
            ["sort"] = query.Sort,
            ["dir"] = query.Direction,
            ["perPage"] = query.SafePageSize == ListQuery.DefaultPageSize ? null : query.SafePageSize.ToString(CultureInfo.InvariantCulture),
            ["filter"] = query.FilterKey,
        });
}

/// <summary>The row of a table with no rows: "No Data Available", or that nothing matches the search.</summary>
/// <param name="Columns">How many columns the row spans.</param>
/// <param name="Noun">What the rows are, in the plural ("auth clients").</param>
/// <param name="Term">The search, if any.</param>
public sealed record EmptyRowViewModel(int Columns, string Noun, string? Term)
{
    public string Message => Term is null ? "No Data Available" : $"No {Noun} match \"{Term}\".";
}

/// <summary>The note above a list whose count stopped at its limit (<see cref="ListPage.TotalIsLowerBound"/>).</summary>
/// <param name="Limit">How many matches were counted, and how many the pages reach.</param>
/// <param name="Noun">What the rows are, in the plural ("events").</param>
/// <param name="Narrow">What the viewer narrows to reach the others ("the filters").</param>
/// <param name="NextGoesOn">Whether the Next link goes on past the counted rows (<see cref="ListPage.NumberedPages"/>); otherwise the pages stop at them.</param>
public sealed record CappedCountViewModel(int Limit, string Noun, string Narrow, bool NextGoesOn = false);

/// <summary>A row's Edit button.</summary>
public sealed record EditButtonViewModel(string Url);

/// <summary>A row's Delete button, which opens the <see cref="ConfirmDialogViewModel.Delete">delete dialog</see>.</summary>
public sealed record DeleteButtonViewModel(string Url, string Name);

/// <summary>The Name (with "You" for the viewer), Email and Status cells of a user in a table (Users, a group's Members).</summary>
public sealed record UserCellsViewModel(string Name, string Email, bool IsActive, bool IsSelf);

/// <summary>The URLs of a list's own pages.</summary>
public static class ListUrls
{
    /// <summary>
    /// The list's URL with its state, changed as given; a page size that is the default is left out.
    /// <paramref name="after"/> or <paramref name="before"/> is the position the page is read from (<see cref="ListCursor"/>).
    /// </summary>
    public static string ListUrl(this IUrlHelper url, ListQuery query, string? sort = null, string? dir = null, int? page = null, string? after = null, string? before = null) =>
        url.ListAction(query, sort ?? query.Sort, dir ?? query.Direction, page ?? 1, query.FilterKey, after, before);

    /// <summary>The list's first page with <paramref name="filter"/> (null: every row), keeping the search, sort and page size.</summary>
    public static string FilterUrl(this IUrlHelper url, ListQuery query, string? filter) =>
        url.ListAction(query, query.Sort, query.Direction, 1, filter);

    private static string ListAction(this IUrlHelper url, ListQuery query, string? sort, string? dir, int page, string? filter, string? after = null, string? before = null) =>
        url.Action("Index", new
        {
            search = query.Term,
            sort,
            dir,
            page,
            perPage = query.SafePageSize == ListQuery.DefaultPageSize ? (int?)null : query.SafePageSize,
            filter,
            after,
            before,
        })!;
}
