using System.Globalization;
using System.Linq.Expressions;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Lists;
using Microsoft.EntityFrameworkCore;

namespace AuthClients.Web.Features.AuthClients;

/// <summary>The clients a search matches, and their number (up to the list's count limit) when the search tables already told it.</summary>
public sealed record AuthClientSearchResult(IQueryable<AuthClientApplication> Matches, ListCount? Count);

/// <summary>
/// The list's search box. A client matches when its name or one of its redirect URIs contains the
/// term, in any case, or when the term is exactly its Client ID. Each client keeps the text to look
/// in, upper-cased, in <see cref="AuthClientApplication.SearchText"/>; how that column is searched
/// depends on the database, because a substring search cannot use an ordinary index:
/// <list type="bullet">
/// <item>PostgreSQL answers <c>LIKE '%term%'</c> from a pg_trgm trigram index (the model declares it).</item>
/// <item>SQLite keeps a narrow copy of the text, <c>AuthClientSearchTexts</c>, and an FTS5 trigram
/// index over it, <c>AuthClientSearch</c>, both filled by triggers (see the <c>AuthClientSearchText</c>
/// migration). SQLite's planner cannot tell how many clients a <c>LIKE</c> will match, so this
/// class asks those tables first and chooses the plan itself.</item>
/// <item>SQL Server scans the column (not measured: there is no SQL Server on the development machine).</item>
/// </list>
/// </summary>
public sealed class AuthClientSearch(AppDbContext db)
{
    /// <summary>
    /// Up to this many matches, the page is read by looking the matches up by Client ID and sorting
    /// them; beyond it, matches are dense enough that walking the list in its sort order fills a page
    /// sooner than sorting them all would.
    /// </summary>
    internal const int SelectiveMatchLimit = 2000;

    private const string LikeEscape = "\\";

    /// <summary>The text a client is found by: its name and redirect URIs, one per line.</summary>
    public static string TextFor(string name, IEnumerable<string> redirectUris) =>
        string.Join('\n', redirectUris.Prepend(name)).ToUpperInvariant();

    /// <param name="countLimit">How far the matches are counted (<see cref="AuthClientListOptions.CountLimit"/>).</param>
    public async Task<AuthClientSearchResult> FindAsync(IQueryable<AuthClientApplication> clients, string term, int countLimit, CancellationToken cancellationToken)
    {
        var upper = term.ToUpperInvariant();
        var number = ClientNumberOf(term);
        var pattern = "%" + EscapeLike(upper) + "%";
        Expression<Func<AuthClientApplication, bool>> matches = a => a.Number == number || EF.Functions.Like(a.SearchText, pattern, LikeEscape);

        if (!db.Database.IsSqlite())
        {
            return new(clients.Where(matches), Count: null);
        }

        // A trigram index holds runs of three characters: shorter terms scan the narrow copy of the
        // text instead of the wide client rows. An FTS5 phrase in double quotes matches as a
        // substring; a quote inside is doubled.
        var phrase = "\"" + upper.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        var matchingNumbers = upper.EnumerateRunes().Count() >= 3
            ? db.Database.SqlQuery<long>($"SELECT rowid AS Value FROM AuthClientSearch WHERE AuthClientSearch MATCH {phrase}")
            : db.Database.SqlQuery<long>($"SELECT Number AS Value FROM AuthClientSearchTexts WHERE instr(Text, {upper}) > 0");

        var found = await matchingNumbers.Take(SelectiveMatchLimit + 1).ToListAsync(cancellationToken);
        if (found.Count <= SelectiveMatchLimit)
        {
            // The triggers keep one search row per client, so the matches are counted already.
            if (number is { } clientNumber && !found.Contains(clientNumber) && await clients.AnyAsync(a => a.Number == clientNumber, cancellationToken))
            {
                found.Add(clientNumber);
            }

            return new(clients.Where(a => found.Contains(a.Number)), ListCount.UpTo(found.Count, countLimit));
        }

        // A broad term: the page comes from walking the list in its sort order (matches are dense,
        // so a page fills quickly); the count comes from the search tables, not the wide rows, and
        // stops at the limit (a two-letter term matches most clients: counting them all read the
        // whole narrow copy, 10 ms at 100,000 clients and over 100 ms at 1,000,000).
        var count = await matchingNumbers.CountUpToAsync(countLimit, cancellationToken);
        if (!count.IsCapped && number is not null
            && await clients.AnyAsync(a => a.Number == number && !EF.Functions.Like(a.SearchText, pattern, LikeEscape), cancellationToken))
        {
            count = ListCount.UpTo(count.Total + 1, countLimit);
        }

        return new(clients.Where(matches), count);
    }

    /// <summary>Client IDs are the text of their number, so only a number written the same way is one.</summary>
    private static long? ClientNumberOf(string term) =>
        long.TryParse(term, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
        && number.ToString(CultureInfo.InvariantCulture) == term ? number : null;

    // "[" opens a character class in SQL Server's LIKE; the other databases take "\[" as "[".
    private static string EscapeLike(string text) => text
        .Replace(LikeEscape, LikeEscape + LikeEscape, StringComparison.Ordinal)
        .Replace("%", LikeEscape + "%", StringComparison.Ordinal)
        .Replace("_", LikeEscape + "_", StringComparison.Ordinal)
        .Replace("[", LikeEscape + "[", StringComparison.Ordinal);
}
