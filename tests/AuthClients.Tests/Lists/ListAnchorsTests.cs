using AuthClients.Web.Features.Lists;

namespace AuthClients.Tests.Lists;

/// <summary>
/// Where <see cref="ListAnchors.Nearest"/> starts a page read by its number: for every list size,
/// spacing, depth and direction, the rows past the position it names, less the rows it says to
/// skip, begin exactly at the page's first row, and it never skips a whole spacing.
/// </summary>
public sealed class ListAnchorsTests
{
    [Fact]
    public void EveryDepthOfEveryList_StartsAtThePagesFirstRow_FromTheNearestPosition()
    {
        var checkedStarts = 0;
        foreach (var spacing in new[] { 2, 3, 5, 7, 10 })
        {
            for (var total = 1; total <= 64; total++)
            {
                // Rows are their ascending positions; a position's value is its row.
                var anchors = new ListAnchors(spacing, [.. Enumerable.Range(0, (total + spacing - 1) / spacing)
                    .Select(i => new ListCursor("number", false, null, i * spacing))]);
                foreach (var descending in new[] { false, true })
                {
                    var order = descending ? Enumerable.Range(0, total).Reverse().ToList() : Enumerable.Range(0, total).ToList();
                    for (var skip = 0; skip < total; skip++)
                    {
                        if (anchors.Nearest(skip, total, descending) is not var (after, rest))
                        {
                            // Only a page shallower than a spacing, or one of the last rows descending, is read without a position.
                            Assert.True(skip < spacing || (descending && total - skip <= spacing), $"no position for skip {skip} of {total} (spacing {spacing}, descending {descending})");
                            continue;
                        }

                        var past = order.Where(row => descending ? row < after.Tie : row > after.Tie).ToList();
                        Assert.InRange(rest, 0, spacing - 1);
                        Assert.Equal(order[skip], past[rest]);
                        checkedStarts++;
                    }
                }
            }
        }

        Assert.True(checkedStarts > 10_000, $"{checkedStarts} starts checked");
    }

    [Theory]
    [InlineData(100, 9)]
    [InlineData(100, 11)]
    [InlineData(45, 4)]
    public void PositionsOfAnotherVersionOfTheList_AreNotUsed(int total, int positions)
    {
        var anchors = new ListAnchors(10, [.. Enumerable.Range(0, positions).Select(i => new ListCursor("number", false, null, i * 10))]);

        Assert.Null(anchors.Nearest(50, total, descending: false));
        Assert.Null(anchors.Nearest(50, total, descending: true));
    }
}
