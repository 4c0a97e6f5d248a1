using AuthClients.Web.Connect;

namespace AuthClients.Web.Features.AuthClients;

/// <summary>
/// A client's settings as an administrator chooses them, whether from the page or the API, and as
/// they are read back. The rules they must meet are here, once (<see cref="Problems"/>).
/// </summary>
public sealed record AuthClientSettings
{
    public const string GrantTypesField = "GrantTypes";
    public const string ScopesField = "Scopes";
    public const int NameMaxLength = 255;
    public const string NameRequiredMessage = "The Name field is required.";
    public const string NameTooLongMessage = "The Name may not be greater than 255 characters.";
    public const string AtLeastOneGrantMessage = "The Auth-Client must have at least 1 item chosen.";
    public const string RedirectRequiredMessage = "The Redirect field is required.";
    public const string PublicClientGrantMessage = "A public client has no secret: it can only use the authorization code grant (with PKCE).";

    /// <summary>Trimmed before the rules see it.</summary>
    public string? Name { get; init => field = value?.Trim(); }

    /// <summary>
    /// Confidential clients hold a secret; public clients (browser and mobile apps) cannot keep
    /// one, so they get none and may only use the authorization code grant with PKCE. Chosen at
    /// creation; fixed afterwards.
    /// </summary>
    public bool IsPublic { get; init; }

    public GrantTypeChoices Grants { get; init; } = new();

    /// <summary>One URI an entry (<see cref="RedirectUriRules.Split(string?)"/>); required with the authorization code grant.</summary>
    public IReadOnlyList<string> RedirectUris { get; init; } = [];

    /// <summary>Where the client may send its user back after signing out (RP-initiated logout); optional, same rules.</summary>
    public IReadOnlyList<string> PostLogoutRedirectUris { get; init; } = [];

    /// <summary>The API scopes the client may ask for, in the order of <see cref="OAuthScopes.Api"/>.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>The version the editor started from; a save from an older version is refused.</summary>
    public string? ConcurrencyToken { get; init; }

    /// <summary>On creation only: when the first secret expires (none: <c>AuthClients:Credentials:DefaultSecretLifetime</c>).</summary>
    public DateTime? SecretExpiresAt { get; init; }

    /// <summary>On creation only: the first secret's label.</summary>
    public string? SecretLabel { get; init; }

    /// <summary>A disabled client gets no tokens, its tokens are refused and its users see an error page; enabling it restores them.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>How long its access tokens live; null: the server's <c>OAuthServer:AccessTokenLifetime</c>.</summary>
    public TimeSpan? AccessTokenLifetime { get; init; }

    /// <summary>How long its refresh tokens (chains) live; null: the server's <c>OAuthServer:RefreshTokenLifetime</c>.</summary>
    public TimeSpan? RefreshTokenLifetime { get; init; }

    /// <summary>How long its ID tokens live; null: the server's <c>OAuthServer:IdentityTokenLifetime</c>.</summary>
    public TimeSpan? IdentityTokenLifetime { get; init; }

    /// <summary>A public client (no secret) may only use the authorization code grant, and must.</summary>
    public bool GrantsFitClientType =>
        !IsPublic || Grants == new GrantTypeChoices(AuthorizationCode: true);

    /// <summary>The API scopes among <paramref name="scopes"/>, each once, in the order of <see cref="OAuthScopes.Api"/>.</summary>
    public static IReadOnlyList<string> ApiScopes(IEnumerable<string> scopes)
    {
        var set = scopes.ToHashSet(StringComparer.Ordinal);
        return OAuthScopes.Api.Where(set.Contains).ToList();
    }

    /// <summary>
    /// Every rule these settings break, as (field, message), all at once: the page shows each next
    /// to its field (<c>Form.Name</c>), the API under its own name for the field (<c>name</c>).
    /// </summary>
    public IEnumerable<KeyValuePair<string, string>> Problems()
    {
        if (string.IsNullOrEmpty(Name))
        {
            yield return new(nameof(Name), NameRequiredMessage);
        }
        else if (Name.Length > NameMaxLength)
        {
            yield return new(nameof(Name), NameTooLongMessage);
        }

        if (!Grants.Any)
        {
            yield return new(GrantTypesField, AtLeastOneGrantMessage);
        }

        if (!GrantsFitClientType)
        {
            yield return new(GrantTypesField, PublicClientGrantMessage);
        }

        foreach (var lifetime in TokenLifetimeRules.All)
        {
            if (lifetime.Problem(lifetime.Of(this)) is { } problem)
            {
                yield return new(lifetime.Field, problem);
            }
        }

        // Redirect URLs serve the authorization code grant only. With it off the fields are hidden and
        // their text is not saved, so it is not checked either: an error there could not be seen or fixed.
        if (!Grants.AuthorizationCode)
        {
            yield break;
        }

        foreach (var problem in RedirectUriRules.Problems(RedirectUris, RedirectUriRules.RedirectLabel, RedirectRequiredMessage))
        {
            yield return new(nameof(RedirectUris), problem);
        }

        foreach (var problem in RedirectUriRules.Problems(PostLogoutRedirectUris, RedirectUriRules.PostLogoutLabel, requiredMessage: null))
        {
            yield return new(nameof(PostLogoutRedirectUris), problem);
        }
    }
}
