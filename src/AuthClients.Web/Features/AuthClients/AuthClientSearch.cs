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
/// in, upper-cased, in <see cref="AuthClientApplication.SearchText"/>. A substring search cannot use
/// an ordinary index, and a broad term's count walks tens of thousands of clients, so SQLite and
/// PostgreSQL also keep a narrow copy of the text, <c>AuthClientSearchTexts</c> (a client's number
/// and its text), filled by triggers, with a trigram index:
/// <list type="bullet">
/// <item>SQLite: an FTS5 trigram index over the copy, <c>AuthClientSearch</c> (the <c>AuthClientSearchText</c> migration).</item>
/// <item>PostgreSQL: a pg_trgm index on the copy, which answers <c>LIKE '%term%'</c> (the <c>AuthClientSearchCopy</c> migration).</item>
/// <item>SQL Server scans the column of the client rows (not measured: there is no SQL Server on the development machine).</item>
/// </list>
/// The copy is asked first: a term with few matches reads its clients by number and is counted
/// already; a broad one walks the list in its sort order and is counted in the copy.
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

        if (await SampleMatchesAsync(upper, pattern, Math.Max(countLimit, SelectiveMatchLimit) + 1, cancellationToken) is not { } sample)
        {
            return new(clients.Where(matches), Count: null);
        }

        if (sample.Counted <= SelectiveMatchLimit)
        {
            // The triggers keep one search row per client, so the matches are counted already.
            var found = sample.Numbers.ToList();
            if (number is { } clientNumber && !found.Contains(clientNumber) && await clients.AnyAsync(a => a.Number == clientNumber, cancellationToken))
            {
                found.Add(clientNumber);
            }

            return new(clients.Where(a => found.Contains(a.Number)), ListCount.UpTo(found.Count, countLimit));
        }

        // A broad term: the page comes from walking the list in its sort order (matches are dense,
        // so a page fills quickly); the count came from the copy, not the wide rows, and stopped
        // at the limit (a two-letter term matches most clients: counting them all read the whole
        // copy, 10 ms at 100,000 clients and over 100 ms at 1,000,000).
        var count = ListCount.UpTo(sample.Counted, countLimit);
        if (!count.IsCapped && number is not null
            && await clients.AnyAsync(a => a.Number == number && !EF.Functions.Like(a.SearchText, pattern, LikeEscape), cancellationToken))
        {
            count = ListCount.UpTo(count.Total + 1, countLimit);
        }

        return new(clients.Where(matches), count);
    }

    /// <summary>
    /// One read of the copy: how many clients' text contains the term (up to <paramref name="countUpTo"/>),
    /// and the numbers of the first of them (all of them when there are no more than
    /// <see cref="SelectiveMatchLimit"/>). The two come from the same matches, found once: a term of
    /// medium reach ("harbor payroll", a few thousand clients) costs PostgreSQL's trigram index
    /// about 25 ms at 1,000,000 clients each time it is asked. Null on SQL Server, which keeps no copy.
    /// </summary>
    private async Task<MatchSample?> SampleMatchesAsync(string upper, string pattern, int countUpTo, CancellationToken cancellationToken)
    {
        const int sampled = SelectiveMatchLimit + 1;
        FormattableString? query = null;
        if (db.Database.IsNpgsql())
        {
            // The planner weighs the trigram index against a scan of the copy itself (a term under
            // three characters has no trigram to look up, and a broad one fills the limit in a few
            // thousand rows).
            query = $"""
                SELECT m."Number", count(*) OVER () AS "Counted"
                FROM (SELECT "Number" FROM "AuthClientSearchTexts" WHERE "Text" LIKE {pattern} ESCAPE '\' LIMIT {countUpTo}) AS m
                LIMIT {sampled}
                """;
        }
        else if (db.Database.IsSqlite())
        {
            // SQLite's planner cannot tell how many clients a term matches, so the choice is made
            // here: a trigram index holds runs of three characters, and shorter terms scan the copy.
            // An FTS5 phrase in double quotes matches as a substring; a quote inside is doubled.
            var phrase = "\"" + upper.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            query = upper.EnumerateRunes().Count() >= 3
                ? (FormattableString)$"SELECT m.Number, count(*) OVER () AS Counted FROM (SELECT rowid AS Number FROM AuthClientSearch WHERE AuthClientSearch MATCH {phrase} LIMIT {countUpTo}) AS m LIMIT {sampled}"
                : $"SELECT m.Number, count(*) OVER () AS Counted FROM (SELECT Number FROM AuthClientSearchTexts WHERE instr(Text, {upper}) > 0 LIMIT {countUpTo}) AS m LIMIT {sampled}";
        }

        if (query is null)
        {
            return null;
        }

        var rows = await db.Database.SqlQuery<MatchRow>(query).ToListAsync(cancellationToken);
        return new MatchSample(rows.Count == 0 ? 0 : (int)rows[0].Counted, rows.ConvertAll(r => r.Number));
    }

    private sealed record MatchRow(long Number, long Counted);

    /// <param name="Counted">How many clients match, up to the limit asked.</param>
    /// <param name="Numbers">The first of them, up to <see cref="SelectiveMatchLimit"/> + 1.</param>
    private sealed record MatchSample(int Counted, IReadOnlyList<long> Numbers);

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
