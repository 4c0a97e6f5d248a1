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
/// What a token entry would have told for an access token issued without one: whether its client
/// still exists. Run by the API (validation) and by introspection and revocation (server), so a
/// deleted client's tokens are refused and shown inactive at once on this instance, and within
/// <see cref="TokenPerformanceOptions.ClientCacheLifetime"/> on the others.
/// </summary>
public sealed class ClientAccessTokenValidator(IOpenIddictApplicationManager applications) :
    IOpenIddictValidationHandler<OpenIddictValidationEvents.ValidateTokenContext>,
    IOpenIddictServerHandler<OpenIddictServerEvents.ValidateTokenContext>
{
    private const string ClientGoneDescription = "The client of this token no longer exists.";

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
        if (!context.IsRejected && context.Principal?.HasTokenType(TokenTypeIdentifiers.AccessToken) == true &&
            await RefusalAsync(context.Principal, context.TokenId) is { } refusal)
        {
            context.Reject(Errors.InvalidToken, refusal);
        }
    }

    private async Task<string?> RefusalAsync(ClaimsPrincipal? principal, string? tokenId)
    {
        // Tokens with an entry were checked against it by OpenIddict; personal access tokens (only
        // introspection sees them here) by ApiTokenService.
        if (principal is null || !string.IsNullOrEmpty(tokenId) || PersonalAccessTokenHandler.IsPersonalAccessToken(principal))
        {
            return null;
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

        // Client IDs are never reused; should one be, tokens older than the client are not its own.
        var issuedAt = principal.GetCreationDate();
        return issuedAt is null || issuedAt.Value.UtcDateTime.AddSeconds(1) < DateTime.SpecifyKind(client.CreatedAt, DateTimeKind.Utc)
            ? ClientGoneDescription
            : null;
    }
}
