using System.Security.Claims;
using AuthClients.Web.Connect;
using AuthClients.Web.Features.ApiTokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthClients.Web.Api;

/// <summary>
/// Lets <c>/connect/introspect</c> answer for personal access tokens, which are not JWTs and which
/// OpenIddict cannot read: active, with their user and client, exactly while the API accepts them
/// (<see cref="ApiTokenService.ValidateAsync"/> is the rule for both). As for any access token,
/// OpenIddict then shows it only to its client.
/// </summary>
public sealed class PersonalAccessTokenIntrospection(ApiTokenService tokens) : IOpenIddictServerHandler<ValidateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseScopedHandler<PersonalAccessTokenIntrospection>()
            // Before OpenIddict looks the token up as a reference token or reads it as a JWT.
            .SetOrder(OpenIddictServerHandlers.Protection.ResolveTokenValidationParameters.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateTokenContext context)
    {
        if (context.EndpointType != OpenIddictServerEndpointType.Introspection || context.Principal is not null ||
            !context.Token.StartsWith(ApiTokenService.Prefix, StringComparison.Ordinal))
        {
            return;
        }

        if (await tokens.ValidateAsync(context.Token, context.CancellationToken) is not { } owner)
        {
            context.Reject(Errors.InvalidToken, PersonalAccessTokenHandler.InvalidDescription);
            return;
        }

        context.Principal = new ClaimsPrincipal(PersonalAccessTokenHandler.CreateIdentity(owner))
            .SetTokenType(TokenTypeIdentifiers.AccessToken)
            .SetCreationDate(new DateTimeOffset(DateTime.SpecifyKind(owner.CreatedAt, DateTimeKind.Utc)))
            .SetExpirationDate(new DateTimeOffset(DateTime.SpecifyKind(owner.ExpiresAt, DateTimeKind.Utc)))
            .SetPresenters(owner.ClientId)
            .SetAudiences(OAuthScopes.ApiResource);
    }
}
