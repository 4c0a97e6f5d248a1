using AuthClients.Web.Features.Access;

namespace AuthClients.Web.Features.Users;

/// <summary>The Users list's state, read from and written to the query string.</summary>
public sealed record UserListQuery(string? Search, string? Sort, string? Direction, int Page, int PageSize)
{
    public const int DefaultPageSize = 15;
    public static readonly IReadOnlyList<int> PageSizes = [10, 15, 25, 50, 100];

    public static class SortKeys
    {
        public const string Name = "name";
        public const string Email = "email";
        public const string Status = "status";
        public const string Created = "created";
    }

    /// <summary>By name unless the user picked another column.</summary>
    public string SortKey => Sort is SortKeys.Email or SortKeys.Status or SortKeys.Created ? Sort : SortKeys.Name;

    /// <summary>Ascending by default, except Created: newest first.</summary>
    public bool Descending => Direction is null ? SortKey == SortKeys.Created : Direction == "desc";

    public int SafePageSize => PageSizes.Contains(PageSize) ? PageSize : DefaultPageSize;

    public string? Term => SearchTerm.From(Search);
}

/// <param name="CanManage">Whether the viewer may change this user at all (see <see cref="Actor.Outranks"/>).</param>
public sealed record UserListItem(string Id, string Name, string Email, bool IsSuperAdmin, bool IsActive, DateTime CreatedAt, bool IsSelf, bool CanManage);

public sealed record UserPage(UserListQuery Query, IReadOnlyList<UserListItem> Items, int Total, int Page)
{
    public int TotalPages => Math.Max(1, (Total + Query.SafePageSize - 1) / Query.SafePageSize);

    public int First => Total == 0 ? 0 : ((Page - 1) * Query.SafePageSize) + 1;

    public int Last => Math.Min(Total, Page * Query.SafePageSize);
}
