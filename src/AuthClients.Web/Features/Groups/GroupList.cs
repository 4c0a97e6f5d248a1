namespace AuthClients.Web.Features.Groups;

/// <summary>The Groups list's state, read from and written to the query string.</summary>
public sealed record GroupListQuery(string? Search, string? Sort, string? Direction, int Page, int PageSize)
{
    public const int DefaultPageSize = 15;
    public static readonly IReadOnlyList<int> PageSizes = [10, 15, 25, 50, 100];

    public static class SortKeys
    {
        public const string Name = "name";
        public const string Description = "description";
        public const string Members = "members";
    }

    public string SortKey => Sort is SortKeys.Description or SortKeys.Members ? Sort : SortKeys.Name;

    public bool Descending => Direction == "desc";

    public int SafePageSize => PageSizes.Contains(PageSize) ? PageSize : DefaultPageSize;

    public string? Term => SearchTerm.From(Search);
}

/// <param name="CanManage">Whether the viewer may change this group at all (it grants nothing they lack).</param>
/// <param name="IsMember">Whether the viewer belongs to it (changing it would change their own rights).</param>
public sealed record GroupListItem(string Id, string Name, string? Description, int MemberCount, bool CanManage, bool IsMember);

public sealed record GroupPage(GroupListQuery Query, IReadOnlyList<GroupListItem> Items, int Total, int Page)
{
    public int TotalPages => Math.Max(1, (Total + Query.SafePageSize - 1) / Query.SafePageSize);

    public int First => Total == 0 ? 0 : ((Page - 1) * Query.SafePageSize) + 1;

    public int Last => Math.Min(Total, Page * Query.SafePageSize);
}

/// <summary>Who a group page is about, for its title and tabs.</summary>
public sealed record GroupHeader(string Id, string Name, bool IsMember, bool CanManage);

/// <summary>A group's Information tab.</summary>
public sealed record GroupDetails(GroupHeader Group, GroupForm Form);
