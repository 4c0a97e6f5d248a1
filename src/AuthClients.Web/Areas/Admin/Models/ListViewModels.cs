using AuthClients.Web.Features.Lists;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Areas.Admin.Models;

/// <summary>A searched, sorted, paged list (Auth Clients, Users, Groups) as its page shows it.</summary>
public sealed record ListViewModel<T>(ListQuery Query, ListPage<T> Page)
{
    /// <summary>The line under the table; its per-page form keeps the search and the sort.</summary>
    public ListFooterViewModel Footer(string action, IUrlHelper url) => new(
        action,
        Page,
        ListQuery.PageSizes,
        new Dictionary<string, string?> { ["search"] = Query.Term, ["sort"] = Query.Sort, ["dir"] = Query.Direction },
        page => url.ListUrl(Query, page: page));
}

/// <summary>
/// The line under a list: "Showing X-Y of Z", the per-page choice (when there is one) and the page
/// links. The query string keeps the rest of the list's state (search, sort).
/// </summary>
/// <param name="PageSizes">The per-page choices; a list of one fixed size offers none.</param>
/// <param name="Hidden">Query values the per-page form carries along (search, sort, direction).</param>
/// <param name="PageUrl">The list's URL for a page number, everything else unchanged.</param>
public sealed record ListFooterViewModel(
    string Action,
    ListPage Page,
    IReadOnlyList<int> PageSizes,
    IReadOnlyDictionary<string, string?> Hidden,
    Func<int, string> PageUrl);

/// <summary>The header cell of a column the list sorts by: a link that sorts by it, or reverses it.</summary>
public sealed record SortHeaderViewModel(ListQuery Query, string Key, string Title);

/// <summary>A list's search box; it keeps the list's sort and page size.</summary>
public sealed record SearchBoxViewModel(string Action, ListQuery Query);

/// <summary>The dialog that confirms a delete; a row's Delete button gives it the row's name and delete URL.</summary>
/// <param name="Noun">What a row is ("auth client", "user").</param>
/// <param name="Consequence">What the delete does, said after the question.</param>
public sealed record DeleteDialogViewModel(string Noun, string Consequence);

/// <summary>A row's Delete button, which opens the <see cref="DeleteDialogViewModel">delete dialog</see>.</summary>
public sealed record DeleteButtonViewModel(string Url, string Name);

/// <summary>The URLs of a list's own pages.</summary>
public static class ListUrls
{
    /// <summary>The list's URL with its state, changed as given; a page size that is the default is left out.</summary>
    public static string ListUrl(this IUrlHelper url, ListQuery query, string? sort = null, string? dir = null, int? page = null) =>
        url.Action("Index", new
        {
            search = query.Term,
            sort = sort ?? query.Sort,
            dir = dir ?? query.Direction,
            page = page ?? 1,
            perPage = query.SafePageSize == ListQuery.DefaultPageSize ? (int?)null : query.SafePageSize,
        })!;
}
