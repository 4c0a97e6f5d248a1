using AuthClients.Web.Models;

namespace AuthClients.Tests.Lists;

/// <summary>
/// The page links under a list: the first, the last and two either side of the current, a gap
/// (null) where pages are left out, and past a capped count (<c>numbered</c>) only the current
/// page's neighbours. Computed from the few candidates, so a page number taken from a crafted URL
/// costs nothing however large.
/// </summary>
public sealed class PagerTests
{
    public static TheoryData<int, int, int, int?[]> Cases => new()
    {
        { 1, 1, 1, [1] },
        { 1, 3, 3, [1, 2, 3] },
        { 1, 10, 10, [1, 2, 3, null, 10] },
        { 5, 10, 10, [1, null, 3, 4, 5, 6, 7, null, 10] },
        { 10, 10, 10, [1, null, 8, 9, 10] },
        { 4, 5, 5, [1, 2, 3, 4, 5] },
        // Past a capped count of 2 numbered pages: the current page and the one before it (reached from a position).
        { 3, 3, 2, [1, 2, 3] },
        { 6, 6, 2, [1, null, 5, 6] },
        { 70, 70, 67, [1, null, 69, 70] },
        { (int.MaxValue / 15) - 1, (int.MaxValue / 15) - 1, 67, [1, null, (int.MaxValue / 15) - 2, (int.MaxValue / 15) - 1] },
        { int.MaxValue, int.MaxValue, int.MaxValue, [1, null, int.MaxValue - 2, int.MaxValue - 1, int.MaxValue] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pages_LinkTheFirstTheLastAndTheNeighbours(int current, int total, int numbered, int?[] expected)
    {
        Assert.Equal(expected, Pager.Pages(current, total, numbered));
    }
}
