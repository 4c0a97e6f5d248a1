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

    /// <summary>The settings asked for; names and values the API does not know are left out (and refused by the checks below).</summary>
    public AuthClientSettings ToSettings(string? concurrencyToken = null) => new()
    {
        Name = Name,
        IsPublic = ClientType == ClientTypes.Public,
        Grants = GrantTypeChoices.FromNames(GrantTypes),
        RedirectUris = RedirectUriRules.Split(RedirectUris),
        PostLogoutRedirectUris = RedirectUriRules.Split(PostLogoutRedirectUris),
        Scopes = AuthClientSettings.ApiScopes(Scopes),
        ConcurrencyToken = concurrencyToken,
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
    string ClientType)
{
    public static AuthClientResource From(string clientId, AuthClientSettings settings) =>
        new(clientId, settings.Name ?? "", settings.RedirectUris, settings.PostLogoutRedirectUris,
            settings.Grants.Names().ToList(), settings.Scopes, settings.IsPublic ? ClientTypes.Public : ClientTypes.Confidential);
}

/// <summary>Returned once, when a client is created or its secret regenerated: the client, with its secret (null for a public client).</summary>
public sealed record AuthClientWithSecret(string ClientId, string Name, IReadOnlyList<string> RedirectUris, IReadOnlyList<string> PostLogoutRedirectUris, IReadOnlyList<string> GrantTypes, IReadOnlyList<string> Scopes, string ClientType, string? ClientSecret);

public sealed record AuthClientListEntry(string ClientId, string Name, string? Redirect, DateTime CreatedAt);

public sealed record PageMeta(int Total, int Page, int PerPage, int TotalPages);

public sealed record AuthClientList(IReadOnlyList<AuthClientListEntry> Data, PageMeta Meta);
