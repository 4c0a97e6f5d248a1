using System.Globalization;
using System.Linq.Expressions;
using System.Text.Json;
using AuthClients.Web.Data;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Lists;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Core;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Features.AuthClients;

/// <summary>
/// What the Auth Clients page and API read about clients: the list (a projection), one client's
/// settings and scopes (through OpenIddict's manager, as the token endpoint reads them), id lookups.
/// </summary>
public sealed class AuthClientQueries(
    AppDbContext db,
    OpenIddictApplicationManager<AuthClientApplication> manager,
    AuthClientSearch search,
    IOptions<CredentialOptions> credentialOptions,
    IOptions<AuthClientListOptions> listOptions,
    AuthClientPageAnchors anchors,
    TimeProvider clock)
{
    /// <summary>
    /// One page of the list: the count (exact for the whole list; for a search or filter up to
    /// <see cref="AuthClientListOptions.CountLimit"/>, unless the search counted
    /// already), one query for the page's rows, and one for the page's active credentials (whether a
    /// client has a secret to copy, when its first one expires). The credentials used to be two
    /// correlated subqueries in the rows' query; PostgreSQL turned one into a scan of every
    /// credential (180 ms at 1,000,000 clients) when its statistics said few secrets were copyable.
    /// A page of the whole list typed by its number starts from <see cref="AuthClientPageAnchors"/>.
    /// </summary>
    public async Task<ListPage<AuthClientListItem>> ListAsync(ListQuery query, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var countLimit = listOptions.Value.CountLimit;
        var clients = db.AuthClients.AsNoTracking();
        ListCount? count = null;
        if (query.Term is { } term)
        {
            (clients, count) = await search.FindAsync(clients, term, countLimit, cancellationToken);
        }

        if (query.FilterKey is { } filter)
        {
            // The search's count is of every match: the filtered ones are counted again.
            clients = Filtered(clients, filter, now, credentialOptions.Value.ExpiryWarning);
            count = null;
        }

        var keyset = Keyset(query.SortKey);
        Func<int, ListAnchors?>? anchorsFor = null;
        if (query.Term is null && query.FilterKey is null)
        {
            // The whole list: its count and its change counter are read (kept by triggers), not counted.
            var total = await db.AuthClientTotals.Where(t => t.Id == AuthClientTotal.RowId).Select(t => new { t.Count, t.Changes }).SingleAsync(cancellationToken);
            count = ListCount.Exact((int)total.Count);
            anchorsFor = keyset.IndexedProperty is { } property ? skip => anchors.For(property, total.Changes, skip) : null;
        }

        count ??= await clients.CountUpToAsync(countLimit, cancellationToken);
        var rows = await clients.ToKeysetPageAsync(query, keyset, count, cancellationToken, anchorsFor);

        var ids = rows.Items.Select(r => r.Id).ToList();
        var credentials = (await db.AuthClientCredentials.AsNoTracking()
            .Where(c => ids.Contains(c.ApplicationId))
            .Where(AuthClientCredential.ActiveAt(now))
            .Select(c => new { c.ApplicationId, IsCopyableSecret = c.Kind == CredentialKind.Secret && c.ProtectedSecret != null, c.ExpiresAt })
            .ToListAsync(cancellationToken))
            .ToLookup(c => c.ApplicationId);

        var warning = credentialOptions.Value.ExpiryWarning;
        return rows.Select(r =>
        {
            var active = credentials[r.Id];
            var firstExpiry = active.Min(c => c.ExpiresAt);
            return new AuthClientListItem(
                r.Id, r.ClientId ?? "", r.DisplayName ?? "", r.PrimaryRedirectUri,
                Math.Max(0, CountRedirects(r.RedirectUris) - 1), active.Any(c => c.IsCopyableSecret), r.CreatedAt,
                ApiScopes(string.IsNullOrEmpty(r.Permissions) ? [] : JsonSerializer.Deserialize<string[]>(r.Permissions) ?? []),
                r.IsEnabled, r.LastUsedAt,
                firstExpiry is { } expiry && expiry <= now + warning ? Math.Max(1, (int)Math.Ceiling((expiry - now).TotalDays)) : null);
        });
    }

    /// <returns>The client's settings, or null when it does not exist.</returns>
    public async Task<AuthClientSettings?> GetSettingsAsync(string id, CancellationToken cancellationToken = default) =>
        await manager.FindByIdAsync(id, cancellationToken) is { } application ? await SettingsOfAsync(application, cancellationToken) : null;

    /// <summary>The settings of a client already loaded (the commands' "before").</summary>
    internal async Task<AuthClientSettings> SettingsOfAsync(AuthClientApplication application, CancellationToken cancellationToken)
    {
        var permissions = await manager.GetPermissionsAsync(application, cancellationToken);
        return new AuthClientSettings
        {
            Name = application.DisplayName,
            IsPublic = await manager.HasClientTypeAsync(application, ClientTypes.Public, cancellationToken),
            Grants = GrantTypeChoices.FromPermissions(permissions),
            RedirectUris = [.. await manager.GetRedirectUrisAsync(application, cancellationToken)],
            PostLogoutRedirectUris = [.. await manager.GetPostLogoutRedirectUrisAsync(application, cancellationToken)],
            Scopes = ApiScopes(permissions),
            ConcurrencyToken = application.ConcurrencyToken,
            Enabled = application.IsEnabled,
        }.WithLifetimes(await manager.GetSettingsAsync(application, cancellationToken));
    }

    /// <summary>The API scopes the client holds, or null when it does not exist: taking its secret hands over their rights.</summary>
    public async Task<IReadOnlyList<string>?> GetScopesAsync(string id, CancellationToken cancellationToken = default) =>
        await manager.FindByIdAsync(id, cancellationToken) is { } application
            ? ApiScopes(await manager.GetPermissionsAsync(application, cancellationToken))
            : null;

    /// <summary>The internal id of the client with this public Client ID (the API addresses clients by Client ID).</summary>
    /// <summary>When and from where the client was last used (as last flushed, see <c>ClientUsage</c>); none for a client that does not exist.</summary>
    public async Task<AuthClientUsage> GetUsageAsync(string id, CancellationToken cancellationToken = default) =>
        await db.AuthClients.AsNoTracking().Where(a => a.Id == id)
            .Select(a => new AuthClientUsage(a.LastUsedAt, a.LastUsedFrom))
            .SingleOrDefaultAsync(cancellationToken) ?? new AuthClientUsage(null, null);

    public Task<string?> FindIdAsync(string clientId, CancellationToken cancellationToken = default) =>
        db.AuthClients.AsNoTracking().Where(a => a.ClientId == clientId).Select(a => a.Id).SingleOrDefaultAsync(cancellationToken);

    public Task<string?> GetClientIdAsync(string id, CancellationToken cancellationToken = default) =>
        db.AuthClients.AsNoTracking().Where(a => a.Id == id).Select(a => a.ClientId).SingleOrDefaultAsync(cancellationToken);

    /// <summary>The API scopes among a client's OpenIddict permissions (<c>scp:auth_clients.read</c>, ...).</summary>
    private static IReadOnlyList<string> ApiScopes(IEnumerable<string> permissions) =>
        AuthClientSettings.ApiScopes(permissions
            .Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
            .Select(p => p[Permissions.Prefixes.Scope.Length..]));

    /// <summary>How the list is read by position in the order of <paramref name="sortKey"/>: one descriptor per order.</summary>
    private static ListKeyset<AuthClientApplication, ListRow> Keyset(string sortKey) => sortKey switch
    {
        AuthClientSort.Name => ByName,
        AuthClientSort.Redirect => ByRedirect,
        AuthClientSort.LastUsed => ByLastUse,
        _ => ByNumber,
    };

    // Every order breaks its ties by the client's number in the list's own direction, so the reverse
    // order (a Previous link reads it) is exactly the order reversed, and one index serves both.
    // Only the name and number orders have a window for a page typed by its number (see
    // ListKeyset.Window) and positions to start it from (ListAnchors): their unique indexes hold the
    // sorted column. The redirect and last-use orders begin with a "has a value" flag and end with
    // the tie, which no index holds.

    /// <summary>Newest first, and the Client ID order (numbers are given in creation order).</summary>
    private static readonly ListKeyset<AuthClientApplication, ListRow> ByNumber = new(
        (clients, descending) => clients.OrderBy(a => a.Number, descending),
        (at, greater) => greater ? a => a.Number > at.Tie : a => a.Number < at.Tie,
        ListRow.Projection,
        r => (null, r.Number),
        (clients, descending, skip, take) =>
        {
            var numbers = clients.OrderBy(a => a.Number, descending).Skip(skip).Take(take).Select(a => a.Number);
            return clients.Where(a => numbers.Contains(a.Number));
        })
    { IndexedProperty = nameof(AuthClientApplication.Number) };

    /// <summary>
    /// Names are unique: no tie to break, and PostgreSQL then walks the name index without an
    /// incremental sort on top (5.6 s to 4.0 s for the middle page of 1,000,000 clients, loaded machine).
    /// </summary>
    private static readonly ListKeyset<AuthClientApplication, ListRow> ByName = new(
        (clients, descending) => clients.OrderBy(a => a.NormalizedName, descending),
        (at, greater) => at.Value is { } name
            ? ListKeysetFilter.Past<AuthClientApplication, string>(a => a.NormalizedName, a => a.Number, name, at.Tie, greater, keyMayBeNull: false)
            : null,
        ListRow.Projection,
        r => (r.NormalizedName, r.Number),
        (clients, descending, skip, take) =>
        {
            var names = clients.OrderBy(a => a.NormalizedName, descending).Skip(skip).Take(take).Select(a => a.NormalizedName);
            return clients.Where(a => names.Contains(a.NormalizedName));
        })
    { IndexedProperty = nameof(AuthClientApplication.NormalizedName) };

    /// <summary>
    /// A client without a redirect URI (client credentials only) counts as the lowest on every
    /// database (PostgreSQL would put nulls last ascending, SQLite first).
    /// </summary>
    private static readonly ListKeyset<AuthClientApplication, ListRow> ByRedirect = new(
        (clients, descending) => clients.OrderBy(a => a.PrimaryRedirectUri != null, descending)
            .ThenBy(a => a.PrimaryRedirectUri, descending).ThenBy(a => a.Number, descending),
        (at, greater) => ListKeysetFilter.Past<AuthClientApplication, string?>(a => a.PrimaryRedirectUri, a => a.Number, at.Value, at.Tie, greater, keyMayBeNull: true),
        ListRow.Projection,
        r => (r.PrimaryRedirectUri, r.Number),
        Window: null);

    /// <summary>A client never used counts as the lowest, as in <see cref="ByRedirect"/>; positions carry the time as its ticks.</summary>
    private static readonly ListKeyset<AuthClientApplication, ListRow> ByLastUse = new(
        (clients, descending) => clients.OrderBy(a => a.LastUsedAt != null, descending)
            .ThenBy(a => a.LastUsedAt, descending).ThenBy(a => a.Number, descending),
        (at, greater) => at.Value switch
        {
            null => PastLastUse(null, at.Tie, greater),
            var text when TimeOf(text) is { } time => PastLastUse(time, at.Tie, greater),
            _ => null,
        },
        ListRow.Projection,
        r => (r.LastUsedAt?.Ticks.ToString(CultureInfo.InvariantCulture), r.Number),
        Window: null);

    private static Expression<Func<AuthClientApplication, bool>> PastLastUse(DateTime? time, long tie, bool greater) =>
        ListKeysetFilter.Past<AuthClientApplication, DateTime?>(a => a.LastUsedAt, a => a.Number, time, tie, greater, keyMayBeNull: true);

    /// <summary>A time as a token holds it (its ticks); null for text that is not one.</summary>
    private static DateTime? TimeOf(string text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks <= DateTime.MaxValue.Ticks
            ? new DateTime(ticks, DateTimeKind.Utc)
            : null;

    private IQueryable<AuthClientApplication> Filtered(IQueryable<AuthClientApplication> clients, string filter, DateTime now, TimeSpan expiryWarning)
    {
        var idleSince = now - AuthClientSort.NotUsedFor;
        var usedSince = now - AuthClientSort.RecentlyUsedWithin;
        var expiring = ExpiringCredentials(db.AuthClientCredentials, now, expiryWarning);
        return filter switch
        {
            AuthClientSort.NotUsedFilter => clients.Where(a => a.LastUsedAt == null || a.LastUsedAt < idleSince),
            AuthClientSort.UsedRecentlyFilter => clients.Where(a => a.LastUsedAt >= usedSince),
            AuthClientSort.ExpiringFilter => clients.Where(a => expiring.Any(c => c.ApplicationId == a.Id)),
            AuthClientSort.EnabledFilter => clients.Where(a => a.IsEnabled),
            AuthClientSort.DisabledFilter => clients.Where(a => !a.IsEnabled),
            _ => clients,
        };
    }

    /// <summary>
    /// Active credentials (<see cref="AuthClientCredential.ActiveAt"/>) that expire within
    /// <paramref name="expiryWarning"/>: the list's "expiring" filter and the dashboard count the same ones.
    /// </summary>
    public static IQueryable<AuthClientCredential> ExpiringCredentials(IQueryable<AuthClientCredential> credentials, DateTime now, TimeSpan expiryWarning)
    {
        // The range on ExpiresAt (its index) first: expired credentials pile up, and are not read.
        var until = now + expiryWarning;
        return credentials.Where(c => c.ExpiresAt > now && c.ExpiresAt <= until).Where(AuthClientCredential.ActiveAt(now));
    }

    /// <summary>A client as the list reads it: its row's columns, and its position in the list's order.</summary>
    private sealed record ListRow(
        string Id, string? ClientId, string? DisplayName, string? PrimaryRedirectUri, string? RedirectUris, DateTime CreatedAt,
        string? Permissions, bool IsEnabled, DateTime? LastUsedAt, string NormalizedName, long Number)
    {
        public static readonly Expression<Func<AuthClientApplication, ListRow>> Projection = a =>
            new ListRow(a.Id!, a.ClientId, a.DisplayName, a.PrimaryRedirectUri, a.RedirectUris, a.CreatedAt, a.Permissions, a.IsEnabled, a.LastUsedAt, a.NormalizedName, a.Number);
    }

    private static int CountRedirects(string? json) =>
        string.IsNullOrEmpty(json) ? 0 : JsonSerializer.Deserialize<string[]>(json)?.Length ?? 0;
}
