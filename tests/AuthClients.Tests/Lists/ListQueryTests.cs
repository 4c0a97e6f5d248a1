using AuthClients.Web.Features.AuthClients;
using AuthClients.Web.Features.Groups;
using AuthClients.Web.Features.Lists;
using AuthClients.Web.Features.Users;

namespace AuthClients.Tests.Lists;

/// <summary>What each list sorts by and in which direction when its URL says nothing, and where a click on a column header leads.</summary>
public sealed class ListQueryTests
{
    /// <summary>
    /// Auth Clients read newest first until a column is picked; Users by name, ascending, except
    /// Created: newest first; Groups ascending unless asked otherwise. An unknown column is the default.
    /// </summary>
    public static TheoryData<ListColumns, string?, string?, string, bool> Orders => new()
    {
        { AuthClientSort.Columns, null, null, AuthClientSort.ClientId, true },
        { AuthClientSort.Columns, "unknown", null, AuthClientSort.ClientId, true },
        { AuthClientSort.Columns, AuthClientSort.ClientId, null, AuthClientSort.ClientId, true },
        { AuthClientSort.Columns, AuthClientSort.Name, null, AuthClientSort.Name, false },
        { AuthClientSort.Columns, AuthClientSort.Redirect, "desc", AuthClientSort.Redirect, true },
        { AuthClientSort.Columns, null, "asc", AuthClientSort.ClientId, false },
        { UserSort.Columns, null, null, UserSort.Name, false },
        { UserSort.Columns, UserSort.Email, null, UserSort.Email, false },
        { UserSort.Columns, UserSort.Created, null, UserSort.Created, true },
        { UserSort.Columns, UserSort.Created, "asc", UserSort.Created, false },
        { UserSort.Columns, "unknown", "desc", UserSort.Name, true },
        { GroupSort.Columns, null, null, GroupSort.Name, false },
        { GroupSort.Columns, GroupSort.Members, null, GroupSort.Members, false },
        { GroupSort.Columns, GroupSort.Description, "desc", GroupSort.Description, true },
    };

    [Theory]
    [MemberData(nameof(Orders))]
    public void SortAndDirection_AsTheUrlGivesThem_PickTheListsOrder(ListColumns columns, string? sort, string? dir, string key, bool descending)
    {
        var query = new ListQuery(columns, null, sort, dir);

        Assert.Equal((key, descending), (query.SortKey, query.SortsDescending));
    }

    [Fact]
    public void HeaderClick_ReversesTheSortedColumn_AndStartsAnotherInItsOwnOrder()
    {
        var newestClients = new ListQuery(AuthClientSort.Columns, null, null, null);
        var oldestClients = new ListQuery(AuthClientSort.Columns, null, AuthClientSort.ClientId, "asc");
        var usersByName = new ListQuery(UserSort.Columns, null, null, null);
        var newestUsers = new ListQuery(UserSort.Columns, null, UserSort.Created, null);

        Assert.Equal("asc", newestClients.DirectionOnClick(AuthClientSort.ClientId));
        Assert.Equal("desc", oldestClients.DirectionOnClick(AuthClientSort.ClientId));
        Assert.Equal("asc", newestClients.DirectionOnClick(AuthClientSort.Name));
        Assert.Equal("desc", usersByName.DirectionOnClick(UserSort.Name));
        Assert.Equal("desc", usersByName.DirectionOnClick(UserSort.Created));
        Assert.Equal("asc", usersByName.DirectionOnClick(UserSort.Email));
        Assert.Equal("asc", newestUsers.DirectionOnClick(UserSort.Created));
    }

    [Theory]
    [InlineData(25, 25)]
    [InlineData(7, ListQuery.DefaultPageSize)]
    [InlineData(-1, ListQuery.DefaultPageSize)]
    public void PageSize_NotOnOffer_FallsBackToTheDefault(int asked, int used) =>
        Assert.Equal(used, new ListQuery(GroupSort.Columns, null, null, null, PageSize: asked).SafePageSize);

    [Theory]
    [InlineData(0, 1, 15, 1, 0, 0)]
    [InlineData(101, 3, 50, 3, 101, 101)]
    [InlineData(100, 2, 50, 2, 51, 100)]
    public void Page_CountsPagesAndRows(int total, int page, int size, int pages, int first, int last)
    {
        var shown = new ListPage<string>([], total, page, size);

        Assert.Equal((pages, first, last), (shown.TotalPages, shown.First, shown.Last));
    }
}
