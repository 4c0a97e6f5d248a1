namespace AuthClients.Web.Areas.Admin.Models;

/// <summary>
/// The line under a list: "Showing X-Y of Z", the per-page choice and the page links. The query
/// string keeps the rest of the list's state (search, sort).
/// </summary>
/// <param name="Hidden">Query values the per-page form carries along (search, sort, direction).</param>
/// <param name="PageUrl">The list's URL for a page number, everything else unchanged.</param>
public sealed record ListFooterViewModel(
    string Action,
    int Page,
    int TotalPages,
    int First,
    int Last,
    int Total,
    int PageSize,
    IReadOnlyList<int> PageSizes,
    IReadOnlyDictionary<string, string?> Hidden,
    Func<int, string> PageUrl);
