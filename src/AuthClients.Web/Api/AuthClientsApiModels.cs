using System.ComponentModel;
using AuthClients.Web.Connect;
using AuthClients.Web.Features.AuthClients;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Api;

/// <summary>The body of a create or update request.</summary>
public sealed class AuthClientRequest
{
    /// <summary>Checked with the same rules as the page's form (see <see cref="AuthClientSettings.Problems"/>); errors name API fields.</summary>
    public string? Name { get; set; }

    /// <summary>Any of <c>authorization_code</c>, <c>client_credentials</c>, <c>password</c>, <c>personal_access_tokens</c> (<see cref="GrantTypeChoices.AllNames"/>).</summary>
    public IReadOnlyList<string> GrantTypes { get; set; } = [];

    public IReadOnlyList<string?> RedirectUris { get; set; } = [];

    /// <summary>Where the client may send its user after signing out; same rules as <see cref="RedirectUris"/>.</summary>
    public IReadOnlyList<string?> PostLogoutRedirectUris { get; set; } = [];

    /// <summary><c>confidential</c> (default) or <c>public</c>; fixed at creation.</summary>
    public string ClientType { get; set; } = ClientTypes.Confidential;

    /// <summary>Any of <c>auth_clients.read</c>, <c>auth_clients.write</c>.</summary>
    public IReadOnlyList<string> Scopes { get; set; } = [];

    // The descriptions are the OpenAPI document's (it does not read XML comments).
    [Description("false disables the client: it gets no tokens, its tokens are refused (the API answers 401, introspection active: false) " +
        "and its users see an error page; true enables it again, and its unexpired tokens work again. Omitted: true on create, unchanged on update.")]
    public bool? Enabled { get; set; }

    [Description(AccessTokenLifetimeDescription + " Null or omitted: the server's default.")]
    public long? AccessTokenLifetimeSeconds { get; set; }

    [Description(RefreshTokenLifetimeDescription + " Null or omitted: the server's default.")]
    public long? RefreshTokenLifetimeSeconds { get; set; }

    [Description(IdTokenLifetimeDescription + " Null or omitted: the server's default.")]
    public long? IdTokenLifetimeSeconds { get; set; }

    [Description("On create only: when the client's first secret stops working (ISO 8601; without an offset, UTC). Omitted: AuthClients:Credentials:DefaultSecretLifetime, if set.")]
    public DateTime? SecretExpiresAt { get; set; }

    [Description("On create only: the first secret's label, e.g. \"Production\".")]
    public string? SecretLabel { get; set; }

    internal const string AccessTokenLifetimeDescription = "Access token lifetime in seconds, 60 (1 minute) to 86400 (1 day), for tokens issued from then on.";
    internal const string RefreshTokenLifetimeDescription = "Refresh token lifetime in seconds, 3600 (1 hour) to 31536000 (365 days), for tokens issued from then on.";
    internal const string IdTokenLifetimeDescription = "ID token lifetime in seconds, 60 (1 minute) to 86400 (1 day), for tokens issued from then on.";

    /// <summary>The settings asked for; names and values the API does not know are left out (and refused by the checks below).</summary>
    /// <param name="current">On update, the client as it is: what an omitted <see cref="Enabled"/> keeps.</param>
    public AuthClientSettings ToSettings(AuthClientSettings? current = null) => new()
    {
        Name = Name,
        IsPublic = ClientType == ClientTypes.Public,
        Grants = GrantTypeChoices.FromNames(GrantTypes),
        RedirectUris = RedirectUriRules.Split(RedirectUris),
        PostLogoutRedirectUris = RedirectUriRules.Split(PostLogoutRedirectUris),
        Scopes = AuthClientSettings.ApiScopes(Scopes),
        ConcurrencyToken = current?.ConcurrencyToken,
        Enabled = Enabled ?? current?.Enabled ?? true,
        AccessTokenLifetime = TokenLifetimeRules.FromSeconds(AccessTokenLifetimeSeconds),
        RefreshTokenLifetime = TokenLifetimeRules.FromSeconds(RefreshTokenLifetimeSeconds),
        IdentityTokenLifetime = TokenLifetimeRules.FromSeconds(IdTokenLifetimeSeconds),
        SecretExpiresAt = current is null ? SecretExpiresAt : null,
        SecretLabel = current is null ? SecretLabel : null,
    };

    /// <summary>
    /// Entries the page's one-per-line text would change (<see cref="RedirectUriRules.Split(IEnumerable{string?})"/>):
    /// a line break would make two URIs of one, and surrounding spaces would be trimmed away. An API
    /// caller gets them refused instead.
    /// </summary>
    public IEnumerable<(string Field, string Message)> UnsplittableUris() =>
        RedirectUris.Where(IsNotOneLine).Select(uri => (nameof(AuthClientSettings.RedirectUris), $"'{uri}' is not one URL: remove line breaks and surrounding spaces."))
            .Concat(PostLogoutRedirectUris.Where(IsNotOneLine).Select(uri => (nameof(AuthClientSettings.PostLogoutRedirectUris), $"'{uri}' is not one URL: remove line breaks and surrounding spaces.")));

    private static bool IsNotOneLine(string? uri) => uri is null || uri.Contains('\n', StringComparison.Ordinal) || uri.Trim() != uri;

    /// <summary>Anything but exactly <c>confidential</c> or <c>public</c> is refused, never guessed.</summary>
    public bool HasUnknownClientType => ClientType is not (ClientTypes.Confidential or ClientTypes.Public);

    public IEnumerable<string> UnknownScopes() =>
        Scopes.Except(OAuthScopes.Api, StringComparer.Ordinal);

    public IEnumerable<string> UnknownGrantTypes() => GrantTypeChoices.Unknown(GrantTypes);
}

public sealed record AuthClientResource(
    string ClientId,
    string Name,
    IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> PostLogoutRedirectUris,
    IReadOnlyList<string> GrantTypes,
    IReadOnlyList<string> Scopes,
    string ClientType,
    [property: Description("false: the client is disabled (no tokens; its tokens are refused).")] bool Enabled,
    [property: Description(AuthClientRequest.AccessTokenLifetimeDescription + " Null: the server's default.")] long? AccessTokenLifetimeSeconds,
    [property: Description(AuthClientRequest.RefreshTokenLifetimeDescription + " Null: the server's default.")] long? RefreshTokenLifetimeSeconds,
    [property: Description(AuthClientRequest.IdTokenLifetimeDescription + " Null: the server's default.")] long? IdTokenLifetimeSeconds,
    [property: Description(AuthClientResource.LastUsedDescription)] DateTime? LastUsedAt,
    [property: Description("The address the last use came from.")] string? LastUsedFrom)
{
    internal const string LastUsedDescription = "When any of the client's credentials last got a token (to the minute, written every 30 s by default); null: never.";

    public static AuthClientResource From(string clientId, AuthClientSettings settings, AuthClientUsage usage) =>
        new(clientId, settings.Name ?? "", settings.RedirectUris, settings.PostLogoutRedirectUris,
            settings.Grants.Names().ToList(), settings.Scopes, settings.IsPublic ? ClientTypes.Public : ClientTypes.Confidential,
            settings.Enabled, TokenLifetimeRules.ToSeconds(settings.AccessTokenLifetime), TokenLifetimeRules.ToSeconds(settings.RefreshTokenLifetime),
            TokenLifetimeRules.ToSeconds(settings.IdentityTokenLifetime), usage.LastUsedAt, usage.LastUsedFrom);
}

/// <summary>Returned once, when a client is created or its secret regenerated: the client, with its secret (null for a public client).</summary>
public sealed record AuthClientWithSecret(
    string ClientId, string Name, IReadOnlyList<string> RedirectUris, IReadOnlyList<string> PostLogoutRedirectUris, IReadOnlyList<string> GrantTypes,
    IReadOnlyList<string> Scopes, string ClientType, bool Enabled, long? AccessTokenLifetimeSeconds, long? RefreshTokenLifetimeSeconds, long? IdTokenLifetimeSeconds,
    DateTime? LastUsedAt, string? LastUsedFrom, string? ClientSecret)
{
    public static AuthClientWithSecret From(AuthClientResource resource, string? secret) =>
        new(resource.ClientId, resource.Name, resource.RedirectUris, resource.PostLogoutRedirectUris, resource.GrantTypes, resource.Scopes, resource.ClientType,
            resource.Enabled, resource.AccessTokenLifetimeSeconds, resource.RefreshTokenLifetimeSeconds, resource.IdTokenLifetimeSeconds,
            resource.LastUsedAt, resource.LastUsedFrom, secret);
}

public sealed record AuthClientListEntry(
    string ClientId,
    string Name,
    string? Redirect,
    DateTime CreatedAt,
    bool Enabled,
    [property: Description(AuthClientResource.LastUsedDescription)] DateTime? LastUsedAt);

public sealed record PageMeta(
    int Total,
    int Page,
    int PerPage,
    int TotalPages,
    [property: Description("True when a search or filter matched more clients than the count limit (AuthClients:List:CountLimit, 1,000 by default) and this page is not the last: total is then a lower bound (the limit, or the clients up to this page's last when more), page numbers reach the first that many matches in the list's order, and next goes on through the others.")] bool TotalIsLowerBound,
    [property: Description("The position of this page's last client, to pass as after (with page + 1) for the next page; null on the last page.")] string? Next = null);

public sealed record AuthClientList(IReadOnlyList<AuthClientListEntry> Data, PageMeta Meta);
