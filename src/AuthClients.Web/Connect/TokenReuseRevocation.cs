using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthClients.Web.Connect;

/// <summary>
/// When a spent refresh token is presented again after the reuse leeway, or a spent authorization
/// code at all, OpenIddict refuses it and revokes every token row of its authorization (RFC 9700
/// 4.14.2, 4.5). Users' access tokens have no row when
/// <see cref="TokenPerformanceOptions.StoreUserAccessTokens"/> is off, so this also revokes the
/// authorization itself, which the API and introspection check for those tokens: the access tokens
/// of the whole chain stop at once, as their rows' revocation stopped them before. The user's next
/// authorization request asks for consent again.
/// </summary>
public sealed class TokenReuseRevocation(IOpenIddictTokenManager tokens, IOpenIddictAuthorizationManager authorizations)
    : IOpenIddictServerHandler<ValidateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseScopedHandler<TokenReuseRevocation>()
            // Once the token's entry is known, before OpenIddict's own check refuses the token (no handler runs after a refusal).
            .SetOrder(OpenIddictServerHandlers.Protection.ValidateTokenEntry.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateTokenContext context)
    {
        if (context.IsRejected || context.Principal is not { } principal || string.IsNullOrEmpty(context.TokenId) ||
            string.IsNullOrEmpty(context.AuthorizationId) ||
            !(principal.HasTokenType(TokenTypeIdentifiers.RefreshToken) || principal.HasTokenType(TokenTypeIdentifiers.Private.AuthorizationCode)))
        {
            return;
        }

        // OpenIddict's managers remember the entry read moments ago in this request: no second query.
        if (await tokens.FindByIdAsync(context.TokenId, context.CancellationToken) is not { } token ||
            !await tokens.HasStatusAsync(token, Statuses.Redeemed, context.CancellationToken) ||
            await WithinLeewayAsync(context, principal, token))
        {
            return;
        }

        if (await authorizations.FindByIdAsync(context.AuthorizationId, context.CancellationToken) is { } authorization)
        {
            await authorizations.TryRevokeAsync(authorization, context.CancellationToken);
        }
    }

    /// <summary>OpenIddict's rule: a refresh token may be presented again within the leeway after it was spent (a lost response).</summary>
    private async ValueTask<bool> WithinLeewayAsync(ValidateTokenContext context, System.Security.Claims.ClaimsPrincipal principal, object token)
    {
        if (!principal.HasTokenType(TokenTypeIdentifiers.RefreshToken) || context.Options.RefreshTokenReuseLeeway is not { } leeway)
        {
            return false;
        }

        var spentAt = await tokens.GetRedemptionDateAsync(token, context.CancellationToken);
        return spentAt is null || DateTimeOffset.UtcNow < spentAt + leeway;
    }
}
