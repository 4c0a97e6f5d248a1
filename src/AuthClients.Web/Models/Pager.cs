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
        int? previous = null;
        for (var page = 1; page <= total; page++)
        {
            if ((page == 1 || page == total || Math.Abs(page - current) <= 2) && (page <= numbered || Math.Abs(page - current) <= 1))
            {
                if (previous is { } p && page - p > 1)
                {
                    yield return null;
                }

                yield return page;
                previous = page;
            }
        }
    }
}
