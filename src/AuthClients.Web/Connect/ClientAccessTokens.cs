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
/// Issues client-credentials access tokens without a database row, signed with the access-token
/// algorithm (ES256 by default; ID tokens keep RS256). Refresh tokens, authorization codes and
/// users' access tokens still get their rows: reuse detection and revocation need them.
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
    private readonly string _accessTokenAlgorithm = performance.Value.EffectiveAccessTokenAlgorithm == AccessTokenAlgorithm.ES256
        ? SecurityAlgorithms.EcdsaSha256
        : SecurityAlgorithms.RsaSha256;

    public ValueTask HandleAsync(OpenIddictServerEvents.GenerateTokenContext context)
    {
        // ID tokens keep OpenIddict's choice: an RSA certificate, ordered with the one in force first.
        if (_accessTokenAlgorithm == SecurityAlgorithms.EcdsaSha256)
        {
            context.SigningCredentials = context.TokenType == TokenTypeIdentifiers.IdentityToken
                ? context.Options.SigningCredentials.Find(c => c.Algorithm == SecurityAlgorithms.RsaSha256) ?? context.SigningCredentials
                : keys.EcdsaKeyInForce(context.Options.SigningCredentials) ?? context.SigningCredentials;
        }

        if (!_storeClientTokens && context.TokenType == TokenTypeIdentifiers.AccessToken && context.Request?.IsClientCredentialsGrantType() == true)
        {
            context.CreateTokenEntry = false;
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Whether a token's client still lets it work: for an access token issued without a database
/// entry, what the entry would have told (the client still exists); for every access token, refresh
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

        // Only client-credentials access tokens are issued without an entry.
        if (principal.GetClaim(AppClaimTypes.SubjectKind) != SubjectKinds.Client || principal.GetClaim(Claims.ClientId) is not { Length: > 0 } clientId)
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

    /// <summary>The refusal of a token whose client is disabled; null for any other (a client gone is the token entry's concern).</summary>
    private async Task<string?> DisabledClientRefusalAsync(ClaimsPrincipal principal) =>
        ClientOf(principal) is { } clientId && await DisabledClients.IsDisabledAsync(applications, clientId) ? ClientDisabledDescription : null;

    /// <summary>The client a token was issued to: its presenter, or its <c>client_id</c> claim (a JWT access token as the API reads it).</summary>
    private static string? ClientOf(ClaimsPrincipal principal) =>
        principal.GetPresenters().FirstOrDefault(p => p.Length > 0) ?? principal.GetClaim(Claims.ClientId);
}
