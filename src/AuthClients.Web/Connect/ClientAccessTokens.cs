using System.Security.Claims;
using AuthClients.Web.Api;
using AuthClients.Web.Authorization;
using AuthClients.Web.Data.Entities;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Connect;

/// <summary>
/// Issues client-credentials access tokens, and users' access tokens issued under an authorization
/// (code and refresh grants), without a database row, signed with the access-token algorithm
/// (ES256 by default; ID tokens keep RS256), and users' ID tokens issued under an authorization without
/// one either. Authorization codes and refresh tokens, which only this server reads, are signed with
/// its own HMAC key (<see cref="ServerKeyStore.ServerOnlySigningUse"/>). Refresh tokens and authorization codes still get their rows: single use and reuse
/// detection need them. A user's access token is checked against its
/// authorization instead, which revocation and a refresh token's reuse revoke
/// (<see cref="TokenReuseRevocation"/>); one issued without an authorization (the password grant
/// without offline_access) keeps its row, since nothing else could revoke it.
/// </summary>
public sealed class ClientAccessTokenIssuer(IOptions<TokenPerformanceOptions> performance, ServerKeyStore keys) : IOpenIddictServerHandler<OpenIddictServerEvents.GenerateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.GenerateTokenContext>()
            .UseSingletonHandler<ClientAccessTokenIssuer>()
            // After OpenIddict has chosen its credentials, before it creates the token entry.
            .SetOrder(OpenIddictServerHandlers.Protection.AttachSecurityCredentials.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    private readonly bool _storeClientTokens = performance.Value.EffectiveStoreClientCredentialsAccessTokens;
    private readonly bool _storeUserTokens = performance.Value.EffectiveStoreUserAccessTokens;
    private readonly string _accessTokenAlgorithm = performance.Value.EffectiveAccessTokenAlgorithm == AccessTokenAlgorithm.ES256
        ? SecurityAlgorithms.EcdsaSha256
        : SecurityAlgorithms.RsaSha256;

    public ValueTask HandleAsync(OpenIddictServerEvents.GenerateTokenContext context)
    {
        var credentials = context.Options.SigningCredentials;
        context.SigningCredentials = context.TokenType switch
        {
            // Read by clients: RSA, which every OpenID Connect client supports, the certificate in force first.
            TokenTypeIdentifiers.IdentityToken => credentials.Find(c => c.Algorithm == SecurityAlgorithms.RsaSha256) ?? Published(credentials) ?? context.SigningCredentials,

            // Read by resource servers, with the JWKS's public keys.
            TokenTypeIdentifiers.AccessToken => (_accessTokenAlgorithm == SecurityAlgorithms.EcdsaSha256 ? keys.EcdsaKeyInForce(credentials) : null)
                ?? Published(credentials) ?? context.SigningCredentials,

            // Read by no one but this server (encrypted too): its HMAC key, where loaded (not in the baseline).
            TokenTypeIdentifiers.Private.AuthorizationCode or TokenTypeIdentifiers.RefreshToken or TokenTypeIdentifiers.Private.DeviceCode
                or TokenTypeIdentifiers.Private.UserCode or TokenTypeIdentifiers.Private.RequestToken => credentials.Find(c => c.Key is SymmetricSecurityKey) ?? context.SigningCredentials,

            // Any other: a key whose public half is published, whoever may read it.
            _ => Published(credentials) ?? context.SigningCredentials,
        };

        if (!NeedsEntry(context))
        {
            context.CreateTokenEntry = false;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>OpenIddict's choice among the keys whose public half the JWKS publishes (X.509 first, the one in force first).</summary>
    private static SigningCredentials? Published(List<SigningCredentials> credentials) => credentials.Find(c => c.Key is AsymmetricSecurityKey);

    private bool NeedsEntry(OpenIddictServerEvents.GenerateTokenContext context) => context.TokenType switch
    {
        TokenTypeIdentifiers.AccessToken => context.Request?.IsClientCredentialsGrantType() == true ? _storeClientTokens
            : _storeUserTokens || context.Principal?.GetClaim(AppClaimTypes.SubjectKind) != SubjectKinds.User || string.IsNullOrEmpty(context.Principal.GetAuthorizationId()),

        // Only users get ID tokens. Their row was an insert per code exchange and refresh that
        // nothing needs: OpenIddict refuses ID tokens at revocation, and checks one that names an
        // authorization against it (an id_token_hint, introspection), as for the access tokens above.
        TokenTypeIdentifiers.IdentityToken => _storeUserTokens || string.IsNullOrEmpty(context.Principal?.GetAuthorizationId()),

        _ => true,
    };
}

/// <summary>
/// Whether a token's client still lets it work: for an access token issued without a database
/// entry, what the entry would have told (the client still exists; for a user's token, OpenIddict
/// has checked its authorization entry, which deleting the client deletes); for every access token, refresh
/// token and authorization code, that the client is not disabled (<see cref="DisabledClients"/>).
/// Run by the API (validation) and by introspection, revocation and the token endpoint (server), so
/// a deleted or disabled client's tokens are refused and shown inactive at once on this instance,
/// and within <see cref="TokenPerformanceOptions.ClientCacheLifetime"/> on the others. Enabling the
/// client again restores its unexpired tokens: nothing is revoked.
/// </summary>
public sealed class ClientAccessTokenValidator(IOpenIddictApplicationManager applications) :
    IOpenIddictValidationHandler<OpenIddictValidationEvents.ValidateTokenContext>,
    IOpenIddictServerHandler<OpenIddictServerEvents.ValidateTokenContext>
{
    private const string ClientGoneDescription = "The client of this token no longer exists.";
    private const string ClientDisabledDescription = "The client of this token is disabled.";

    public static OpenIddictValidationHandlerDescriptor ValidationDescriptor { get; } =
        OpenIddictValidationHandlerDescriptor.CreateBuilder<OpenIddictValidationEvents.ValidateTokenContext>()
            .UseScopedHandler<ClientAccessTokenValidator>()
            .SetOrder(OpenIddictValidationHandlers.Protection.ValidateTokenEntry.Descriptor.Order + 500)
            .SetType(OpenIddictValidationHandlerType.Custom)
            .Build();

    public static OpenIddictServerHandlerDescriptor ServerDescriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ValidateTokenContext>()
            .UseScopedHandler<ClientAccessTokenValidator>()
            .SetOrder(OpenIddictServerHandlers.Protection.ValidateTokenEntry.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(OpenIddictValidationEvents.ValidateTokenContext context)
    {
        context.AuthorizationId = AuthorizationToCheck(context.Principal, context.TokenId, context.AuthorizationId);

        // The API only ever validates access tokens.
        if (!context.IsRejected && await RefusalAsync(context.Principal, context.TokenId) is { } refusal)
        {
            context.Reject(Errors.InvalidToken, refusal);
        }
    }

    public async ValueTask HandleAsync(OpenIddictServerEvents.ValidateTokenContext context)
    {
        if (context.IsRejected || context.Principal is not { } principal)
        {
            return;
        }

        context.AuthorizationId = AuthorizationToCheck(principal, context.TokenId, context.AuthorizationId);
        var refusal = principal.HasTokenType(TokenTypeIdentifiers.AccessToken) ? await RefusalAsync(principal, context.TokenId)
            : principal.HasTokenType(TokenTypeIdentifiers.RefreshToken) || principal.HasTokenType(TokenTypeIdentifiers.Private.AuthorizationCode) ? await DisabledClientRefusalAsync(principal)
            : null;
        if (refusal is not null)
        {
            context.Reject(Errors.InvalidToken, refusal);
        }
    }

    private async Task<string?> RefusalAsync(ClaimsPrincipal? principal, string? tokenId)
    {
        // Personal access tokens (only introspection sees them here) are checked by ApiTokenService.
        if (principal is null || PersonalAccessTokenHandler.IsPersonalAccessToken(principal))
        {
            return null;
        }

        // Tokens with an entry were checked against it by OpenIddict: only their client's state is left.
        if (!string.IsNullOrEmpty(tokenId))
        {
            return await DisabledClientRefusalAsync(principal);
        }

        // Issued without an entry: client-credentials tokens, and users' tokens under an authorization
        // (which OpenIddict checks right after this, as it checks an entry).
        var checkable = principal.GetClaim(AppClaimTypes.SubjectKind) switch
        {
            SubjectKinds.Client => true,
            SubjectKinds.User => !string.IsNullOrEmpty(principal.GetAuthorizationId()),
            _ => false,
        };
        if (!checkable || principal.GetClaim(Claims.ClientId) is not { Length: > 0 } clientId)
        {
            return "This token cannot be checked.";
        }

        if (await applications.FindByClientIdAsync(clientId) is not AuthClientApplication client)
        {
            return ClientGoneDescription;
        }

        if (!client.IsEnabled)
        {
            return ClientDisabledDescription;
        }

        // Client IDs are never reused; should one be, tokens older than the client are not its own.
        var issuedAt = principal.GetCreationDate();
        return issuedAt is null || issuedAt.Value.UtcDateTime.AddSeconds(1) < DateTime.SpecifyKind(client.CreatedAt, DateTimeKind.Utc)
            ? ClientGoneDescription
            : null;
    }

    /// <summary>
    /// The authorization OpenIddict checks next (<c>ValidateAuthorizationEntry</c>, which runs only
    /// when one is known): for a token with an entry, the entry's; for one without, the one the
    /// token names, so that revoking it (or a refresh token's reuse) stops the token at once.
    /// </summary>
    private static string? AuthorizationToCheck(ClaimsPrincipal? principal, string? tokenId, string? known) =>
        string.IsNullOrEmpty(known) && string.IsNullOrEmpty(tokenId) ? principal?.GetAuthorizationId() : known;

    /// <summary>The refusal of a token whose client is disabled; null for any other (a client gone is the token entry's concern).</summary>
    private async Task<string?> DisabledClientRefusalAsync(ClaimsPrincipal principal) =>
        ClientOf(principal) is { } clientId && await DisabledClients.IsDisabledAsync(applications, clientId) ? ClientDisabledDescription : null;

    /// <summary>The client a token was issued to: its presenter, or its <c>client_id</c> claim (a JWT access token as the API reads it).</summary>
    private static string? ClientOf(ClaimsPrincipal principal) =>
        principal.GetPresenters().FirstOrDefault(p => p.Length > 0) ?? principal.GetClaim(Claims.ClientId);
}
