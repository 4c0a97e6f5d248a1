using System.ComponentModel.DataAnnotations;

namespace AuthClients.Web.Features.AuthClients;

/// <summary>The <c>AuthClients:List</c> section: how far the Auth Clients list (page and API) counts a search or filter.</summary>
public sealed class AuthClientListOptions
{
    public const string Section = "AuthClients:List";

    /// <summary>
    /// A search or filter counts its matches up to this many; past it the page says "10,000+" and
    /// the API <c>total_is_lower_bound: true</c>, and the pages reach the first this-many matches
    /// in the list's order (a narrower search reaches the rest). Counting every match of a broad
    /// search reads most of the clients: at 1,000,000 clients that alone took longer than the
    /// page's 30 ms budget. The whole list (no search, no filter) is always counted exactly.
    /// Default: 10,000.
    /// </summary>
    [Range(10, 10_000_000, ErrorMessage = "AuthClients:List:CountLimit must be between 10 and 10,000,000.")]
    public int CountLimit { get; set; } = 10_000;
}
