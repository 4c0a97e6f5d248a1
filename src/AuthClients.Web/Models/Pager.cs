namespace AuthClients.Web.Models;

public static class Pager
{
    /// <summary>Page numbers to link: the first, the last and two either side of the current; null marks a gap.</summary>
    /// <param name="numbered">
    /// The pages a link reaches by number (<see cref="Features.Lists.ListPage.NumberedPages"/>); past
    /// them only the current page's neighbours are linked, from its rows' positions.
    /// </param>
    public static IEnumerable<int?> Pages(int current, int total, int numbered)
    {
        // The candidates only, not every page up to the last: past a capped count the last page is
        // the current one, whose number comes from the URL.
        int? previous = null;
        foreach (var page in new[] { 1, current - 2, current - 1, current, current + 1, current + 2, total }.Distinct().Order())
        {
            if (page < 1 || page > total || (page > numbered && Math.Abs(page - current) > 1))
            {
                continue;
            }

            if (previous is { } p && page - p > 1)
            {
                yield return null;
            }

            yield return page;
            previous = page;
        }
    }
}
