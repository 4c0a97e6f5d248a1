using System.ComponentModel.DataAnnotations;

namespace AuthClients.Web.Features.AuthClients;

/// <summary>The <c>AuthClients:List</c> section: how far the Auth Clients list (page and API) counts a search or filter, and how it finds a page typed by its number.</summary>
public sealed class AuthClientListOptions
{
    public const string Section = "AuthClients:List";

    /// <summary>
    /// A search or filter counts its matches up to this many; past it the page says "1,000+" and
    /// the API <c>total_is_lower_bound: true</c>. The numbered pages reach the first this-many
    /// matches in the list's order, and Next (the API's <c>meta.next</c>) goes on through the rest,
    /// a page at a time. Counting is what a broad search pays for: at 1,000,000 clients, PostgreSQL
    /// took 16 ms to count "invoice" (one client in eight) up to 10,000, half the page's 30 ms budget,
    /// and a tenth of that up to 1,000. Large code hosts stop their counts at about 1,000 too.
    /// The whole list (no search, no filter) is always counted exactly. Default: 1,000.
    /// </summary>
    [Range(10, 10_000_000, ErrorMessage = "AuthClients:List:CountLimit must be between 10 and 10,000,000.")]
    public int CountLimit { get; set; } = 1_000;

    /// <summary>
    /// A page of the whole list typed by its number (<c>page=33333</c>, a bookmark, a numbered link)
    /// in the name or Client ID order starts from the nearest of the positions this instance keeps
    /// of every this-many clients, instead of walking every client before it. They are read in one
    /// walk of the order's index when such a page deeper than this is first asked for after a client
    /// was added, deleted or renamed (by any instance), and take about 50 bytes per position.
    /// Default: 1,000 (1,000 positions per order at 1,000,000 clients).
    /// </summary>
    [Range(2, 1_000_000, ErrorMessage = "AuthClients:List:PageAnchorSpacing must be between 2 and 1,000,000.")]
    public int PageAnchorSpacing { get; set; } = 1_000;
}
