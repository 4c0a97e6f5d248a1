namespace AuthClients.Web.Features.AuthClients;

/// <summary>The list's state, read from and written to the query string.</summary>
public sealed record AuthClientListQuery(string? Search, string? Sort, string? Direction, int Page, int PageSize)
{
    public const int DefaultPageSize = 15;
    public static readonly IReadOnlyList<int> PageSizes = [10, 15, 25, 50, 100];

    public static class SortKeys
    {
        public const string ClientId = "id";
        public const string Name = "name";
        public const string Redirect = "redirect";
    }

    /// <summary>Newest first unless the user picked a column.</summary>
    public string SortKey => Sort is SortKeys.Name or SortKeys.Redirect ? Sort : SortKeys.ClientId;

    public bool Descending => Direction is null ? SortKey == SortKeys.ClientId : Direction == "desc";

    public int SafePageSize => PageSizes.Contains(PageSize) ? PageSize : DefaultPageSize;

    public string? Term => SearchTerm.From(Search);
}

/// <summary>One row of the Auth Clients table. Holds no secret.</summary>
public sealed record AuthClientListItem(
    string Id,
    string ClientId,
    string Name,
    string? Redirect,
    int MoreRedirects,
    bool HasSecret,
    DateTime CreatedAt,
    IReadOnlyList<string> Scopes);

public sealed record AuthClientPage(
    AuthClientListQuery Query,
    IReadOnlyList<AuthClientListItem> Items,
    int Total,
    int Page)
{
    public int TotalPages => Math.Max(1, (Total + Query.SafePageSize - 1) / Query.SafePageSize);

    public int First => Total == 0 ? 0 : ((Page - 1) * Query.SafePageSize) + 1;

    public int Last => Math.Min(Total, Page * Query.SafePageSize);
}
