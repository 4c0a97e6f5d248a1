using System.ComponentModel.DataAnnotations;
using AuthClients.Web.Connect;
using AuthClients.Web.Features.AuthClients;

namespace AuthClients.Web.Areas.Admin.Models;

/// <summary>
/// What an administrator posts to create or edit an auth client: one checkbox per grant and scope,
/// one URL per line. Nothing else is bound. The rules are the settings' (<see cref="AuthClientSettings.Problems"/>).
/// </summary>
public sealed class AuthClientForm : IValidatableObject
{
    [Display(Name = "Name")]
    public string? Name { get; set; }

    /// <inheritdoc cref="AuthClientSettings.IsPublic"/>
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

    /// <summary>One URL per line, optional, with the same rules as <see cref="RedirectUris"/>.</summary>
    [Display(Name = RedirectUriRules.PostLogoutLabel)]
    public string? PostLogoutRedirectUris { get; set; }

    public string? ConcurrencyToken { get; set; }

    /// <inheritdoc cref="AuthClientSettings.Enabled"/>
    /// <remarks>True unless posted: a form without the field (the switch posts "false" when off) changes nothing.</remarks>
    [Display(Name = "Enabled")]
    public bool Enabled { get; set; } = true;

    /// <summary>In seconds; empty: Default (the server's setting). Named as the settings' field, so messages land next to it.</summary>
    [Display(Name = "Access token lifetime")]
    public long? AccessTokenLifetime { get; set; }

    /// <inheritdoc cref="AccessTokenLifetime"/>
    [Display(Name = "Refresh token lifetime")]
    public long? RefreshTokenLifetime { get; set; }

    /// <inheritdoc cref="AccessTokenLifetime"/>
    [Display(Name = "ID token lifetime")]
    public long? IdentityTokenLifetime { get; set; }

    /// <inheritdoc cref="AuthClientSettings.SecretExpiresAt"/>
    /// <remarks>A date: the secret stops working at 00:00 UTC that day. Read on creation only.</remarks>
    [Display(Name = "Secret expires on")]
    [DataType(DataType.Date)]
    public DateTime? SecretExpiresAt { get; set; }

    /// <inheritdoc cref="AuthClientSettings.SecretLabel"/>
    [Display(Name = "Secret label")]
    [StringLength(AuthClientCredentials.MaxLabelLength)]
    public string? SecretLabel { get; set; }

    /// <summary>The API scopes ticked.</summary>
    public IReadOnlyList<string> Scopes =>
        [.. ScopeAuthClientsRead ? [OAuthScopes.AuthClientsRead] : Array.Empty<string>(),
         .. ScopeAuthClientsWrite ? [OAuthScopes.AuthClientsWrite] : Array.Empty<string>()];

    public AuthClientSettings ToSettings() => new()
    {
        Name = Name,
        IsPublic = IsPublic,
        Grants = new(EnableAuthorizationCode, EnableClientCredentials, EnablePassword, EnablePersonalAccessTokens),
        RedirectUris = RedirectUriRules.Split(RedirectUris),
        PostLogoutRedirectUris = RedirectUriRules.Split(PostLogoutRedirectUris),
        Scopes = Scopes,
        ConcurrencyToken = ConcurrencyToken,
        Enabled = Enabled,
        AccessTokenLifetime = TokenLifetimeRules.FromSeconds(AccessTokenLifetime),
        RefreshTokenLifetime = TokenLifetimeRules.FromSeconds(RefreshTokenLifetime),
        IdentityTokenLifetime = TokenLifetimeRules.FromSeconds(IdentityTokenLifetime),
        SecretExpiresAt = SecretExpiresAt is { } date ? DateTime.SpecifyKind(date.Date, DateTimeKind.Utc) : null,
        SecretLabel = SecretLabel,
    };

    public static AuthClientForm From(AuthClientSettings settings) => new()
    {
        Name = settings.Name,
        IsPublic = settings.IsPublic,
        EnableAuthorizationCode = settings.Grants.AuthorizationCode,
        EnableClientCredentials = settings.Grants.ClientCredentials,
        EnablePassword = settings.Grants.Password,
        EnablePersonalAccessTokens = settings.Grants.PersonalAccessTokens,
        RedirectUris = string.Join('\n', settings.RedirectUris),
        PostLogoutRedirectUris = string.Join('\n', settings.PostLogoutRedirectUris),
        ScopeAuthClientsRead = settings.Scopes.Contains(OAuthScopes.AuthClientsRead),
        ScopeAuthClientsWrite = settings.Scopes.Contains(OAuthScopes.AuthClientsWrite),
        ConcurrencyToken = settings.ConcurrencyToken,
        Enabled = settings.Enabled,
        AccessTokenLifetime = TokenLifetimeRules.ToSeconds(settings.AccessTokenLifetime),
        RefreshTokenLifetime = TokenLifetimeRules.ToSeconds(settings.RefreshTokenLifetime),
        IdentityTokenLifetime = TokenLifetimeRules.ToSeconds(settings.IdentityTokenLifetime),
    };

    /// <summary>The lifetime the form holds for <paramref name="rule"/>'s field; null: Default.</summary>
    public TimeSpan? LifetimeOf(TokenLifetimeRule rule) => rule.Of(ToSettings());

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        ToSettings().Problems().Select(problem => new ValidationResult(problem.Value, [problem.Key]));
}
