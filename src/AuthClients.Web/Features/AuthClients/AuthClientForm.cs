using System.ComponentModel.DataAnnotations;

namespace AuthClients.Web.Features.AuthClients;

/// <summary>What an administrator posts to create or edit an auth client. Nothing else is bound.</summary>
public sealed class AuthClientForm : IValidatableObject
{
    public const string GrantTypesField = "GrantTypes";
    public const string ScopesField = "Scopes";
    public const string AtLeastOneGrantMessage = "The Auth-Client must have at least 1 item chosen.";
    public const string RedirectRequiredMessage = "The Redirect field is required.";
    public const string PublicClientGrantMessage = "A public client has no secret: it can only use the authorization code grant (with PKCE).";

    [Display(Name = "Name")]
    [Required(ErrorMessage = "The Name field is required.")]
    [StringLength(255, ErrorMessage = "The Name may not be greater than 255 characters.")]
    public string? Name { get => _name; set => _name = value?.Trim(); } // trimmed before the rules see it

    private string? _name;

    /// <summary>
    /// Confidential clients hold a secret; public clients (browser and mobile apps) cannot keep
    /// one, so they get none and may only use the authorization code grant with PKCE. Chosen at
    /// creation; fixed afterwards.
    /// </summary>
    [Display(Name = "Client type")]
    public bool IsPublic { get; set; }

    [Display(Name = "Enable Authorization Code Grant")]
    public bool EnableAuthorizationCode { get; set; }

    [Display(Name = "Enable Client Credentials Grant")]
    public bool EnableClientCredentials { get; set; }

    [Display(Name = "Enable Password Grant")]
    public bool EnablePassword { get; set; }

    [Display(Name = "Enable Personal Access Tokens")]
    public bool EnablePersonalAccessTokens { get; set; }

    [Display(Name = "auth_clients.read: read auth clients through the API")]
    public bool ScopeAuthClientsRead { get; set; }

    [Display(Name = "auth_clients.write: create, change and delete auth clients through the API")]
    public bool ScopeAuthClientsWrite { get; set; }

    /// <summary>One URL per line; required with the authorization code grant.</summary>
    [Display(Name = "Redirect URL")]
    public string? RedirectUris { get; set; }

    /// <summary>
    /// Where the client may send its user back after signing out (RP-initiated logout); one URL per
    /// line, optional, with the same rules as <see cref="RedirectUris"/>.
    /// </summary>
    [Display(Name = RedirectUriRules.PostLogoutLabel)]
    public string? PostLogoutRedirectUris { get; set; }

    /// <summary>The version the editor started from; a save from an older version is refused.</summary>
    public string? ConcurrencyToken { get; set; }

    /// <summary>The API scopes this client may ask for.</summary>
    public IReadOnlyList<string> Scopes =>
        [.. ScopeAuthClientsRead ? [Connect.OAuthScopes.AuthClientsRead] : Array.Empty<string>(),
         .. ScopeAuthClientsWrite ? [Connect.OAuthScopes.AuthClientsWrite] : Array.Empty<string>()];

    public GrantTypeChoices Grants =>
        new(EnableAuthorizationCode, EnableClientCredentials, EnablePassword, EnablePersonalAccessTokens);

    /// <summary>A public client (no secret) may only use the authorization code grant, and must.</summary>
    public bool GrantsFitClientType =>
        !IsPublic || (EnableAuthorizationCode && !EnableClientCredentials && !EnablePassword && !EnablePersonalAccessTokens);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Grants.Any)
        {
            yield return new ValidationResult(AtLeastOneGrantMessage, [GrantTypesField]);
        }

        if (!GrantsFitClientType)
        {
            yield return new ValidationResult(PublicClientGrantMessage, [GrantTypesField]);
        }

        // Redirect URLs serve the authorization code grant only. With it off the fields are hidden and
        // their text is not saved, so it is not checked either: an error there could not be seen or fixed.
        if (!EnableAuthorizationCode)
        {
            yield break;
        }

        foreach (var problem in RedirectUriRules.Problems(RedirectUris, RedirectUriRules.RedirectLabel, RedirectRequiredMessage))
        {
            yield return new ValidationResult(problem, [nameof(RedirectUris)]);
        }

        foreach (var problem in RedirectUriRules.Problems(PostLogoutRedirectUris, RedirectUriRules.PostLogoutLabel, requiredMessage: null))
        {
            yield return new ValidationResult(problem, [nameof(PostLogoutRedirectUris)]);
        }
    }
}
