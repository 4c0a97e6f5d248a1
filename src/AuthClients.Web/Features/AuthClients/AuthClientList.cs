using AuthClients.Web.Features.Lists;

namespace AuthClients.Web.Features.AuthClients;

/// <summary>The Auth Clients list's columns and filters, as its URLs name them (<c>sort=name</c>, <c>filter=disabled</c>).</summary>
public static class AuthClientSort
{
    public const string ClientId = "id";
    public const string Name = "name";
    public const string Redirect = "redirect";

    /// <summary>Last used: most recent first when picked; a client never used counts as the oldest.</summary>
    public const string LastUsed = "lastused";

    /// <summary>Clients never used, or not for <see cref="NotUsedFor"/>.</summary>
    public const string NotUsedFilter = "unused";

    /// <summary>Clients switched off (<c>IsEnabled</c> false).</summary>
    public const string DisabledFilter = "disabled";

    /// <summary>Clients switched on.</summary>
    public const string EnabledFilter = "enabled";

    /// <summary>Clients used within <see cref="RecentlyUsedWithin"/>.</summary>
    public const string UsedRecentlyFilter = "used-24h";

    /// <summary>Clients with an active credential that expires within the warning period (<see cref="CredentialOptions.ExpiryWarning"/>).</summary>
    public const string ExpiringFilter = "expiring";

    /// <summary>How long a client must have been idle for the "Not used for 90 days" filter.</summary>
    public static readonly TimeSpan NotUsedFor = TimeSpan.FromDays(90);

    /// <summary>How recent a use counts for the "Used in the last 24 hours" filter.</summary>
    public static readonly TimeSpan RecentlyUsedWithin = TimeSpan.FromHours(24);

    /// <summary>Newest first unless the user picked a column.</summary>
    public static readonly ListColumns Columns = new(
        ClientId, [ClientId, Name, Redirect, LastUsed], defaultDescending: true, descendingFirst: [LastUsed], filters: [UsedRecentlyFilter, NotUsedFilter, ExpiringFilter, EnabledFilter, DisabledFilter]);

    /// <summary>The filters as the list's pills name them, in their order; null is every client.</summary>
    public static readonly IReadOnlyList<(string? Key, string Title)> FilterTitles =
    [
        (null, "All"),
        (UsedRecentlyFilter, "Used in the last 24 hours"),
        (NotUsedFilter, "Not used for 90 days"),
        (ExpiringFilter, "Credentials expiring soon"),
        (EnabledFilter, "Enabled"),
        (DisabledFilter, "Disabled"),
    ];
}

/// <summary>One row of the Auth Clients table. Holds no secret.</summary>
/// <param name="HasSecret">Whether the client has an active secret: the one its copy button hands out is the newest.</param>
/// <param name="ExpiresInDays">Days until its first active credential expires, when that is within the warning period (<see cref="CredentialOptions.ExpiryWarning"/>).</param>
public sealed record AuthClientListItem(
    string Id,
    string ClientId,
    string Name,
    string? Redirect,
    int MoreRedirects,
    bool HasSecret,
    DateTime CreatedAt,
    IReadOnlyList<string> Scopes,
    bool IsEnabled = true,
    DateTime? LastUsedAt = null,
    int? ExpiresInDays = null);

/// <summary>When and from where a client was last used; both null when it never was.</summary>
public sealed record AuthClientUsage(DateTime? LastUsedAt, string? LastUsedFrom);
