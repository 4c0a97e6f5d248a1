using AuthClients.Web.Features.Activity;
using Microsoft.AspNetCore.Diagnostics;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthClients.Web.Connect;

/// <summary>
/// Sees every answer OpenIddict writes, before it is written:
/// <list type="bullet">
/// <item>Keeps the app's HTML status-code pages off it: an error OpenIddict answers with a header
/// only (<c>WWW-Authenticate</c> at userinfo) keeps its empty body.</item>
/// <item>Counts the failures of the endpoints that <see cref="ClientAuthenticationThrottle"/> guards
/// (a wrong secret, a wrong password in the password grant, a malformed request).</item>
/// <item>A scope the client may not use comes back as <c>invalid_request</c>: one it was not given
/// (ID2051), or <c>offline_access</c> without the refresh token grant (ID2065). RFC 6749 5.2 and
/// 4.1.2.1 call both <c>invalid_scope</c>, which client libraries look for.</item>
/// <item>An unknown <c>client_id</c> (ID2052) is told apart from a wrong secret (ID2055); both get
/// the wrong-secret answer, after the work a wrong secret costs (<see cref="ClientSecretHasher.SpendFailedCheck"/>),
/// so a caller cannot learn which client IDs exist from the body or the timing. A disabled client
/// (<see cref="DisabledClients"/>) gets that answer too; the log says which it was.</item>
/// <item>Records each client's activity (<see cref="ClientActivity"/>): a token response that carries
/// a token, and each refusal with its <see cref="FailureReasons"/> reason, worked out here for the
/// log line anyway. The caller hears the same whatever the reason.</item>
/// </list>
/// </summary>
public sealed partial class ProtocolErrorHandler(
    ClientSecretHasher secrets,
    ClientAuthenticationThrottle throttle,
    ClientActivity activity,
    IHttpContextAccessor http,
    ILogger<ProtocolErrorHandler> logger) :
    IOpenIddictServerHandler<ApplyTokenResponseContext>,
    IOpenIddictServerHandler<ApplyAuthorizationResponseContext>,
    IOpenIddictServerHandler<ApplyIntrospectionResponseContext>,
    IOpenIddictServerHandler<ApplyRevocationResponseContext>,
    IOpenIddictServerHandler<ApplyUserInfoResponseContext>,
    IOpenIddictServerHandler<ApplyEndSessionResponseContext>,
    IOpenIddictServerHandler<ApplyConfigurationResponseContext>,
    IOpenIddictServerHandler<ApplyJsonWebKeySetResponseContext>
{
    private const string ScopeNotAllowed = "ID2051";
    private const string OfflineAccessNotAllowed = "ID2065";
    private const string UnknownClient = "ID2052";
    private const string InvalidCredentials = "ID2055";
    private const string ErrorUriPrefix = "https://documentation.openiddict.com/errors/";

    /// <summary>What a wrong secret is answered with; every refused client assertion too (<see cref="PrivateKeyJwt"/>).</summary>
    public const string InvalidCredentialsDescription = "The specified client credentials are invalid.";

    public const string InvalidCredentialsUri = ErrorUriPrefix + InvalidCredentials;

    public static IEnumerable<OpenIddictServerHandlerDescriptor> Descriptors { get; } =
    [
        Describe(OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>().UseSingletonHandler<ProtocolErrorHandler>()),
        Describe(OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyAuthorizationResponseContext>().UseSingletonHandler<ProtocolErrorHandler>()),
        Describe(OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyIntrospectionResponseContext>().UseSingletonHandler<ProtocolErrorHandler>()),
        Describe(OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyRevocationResponseContext>().UseSingletonHandler<ProtocolErrorHandler>()),
        Describe(OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyUserInfoResponseContext>().UseSingletonHandler<ProtocolErrorHandler>()),
        Describe(OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyEndSessionResponseContext>().UseSingletonHandler<ProtocolErrorHandler>()),
        Describe(OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyConfigurationResponseContext>().UseSingletonHandler<ProtocolErrorHandler>()),
        Describe(OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyJsonWebKeySetResponseContext>().UseSingletonHandler<ProtocolErrorHandler>()),
    ];

    /// <summary>What a refusal's row names instead of a grant type, at the endpoints that have none.</summary>
    public const string IntrospectionEndpoint = "introspection";

    /// <inheritdoc cref="IntrospectionEndpoint"/>
    public const string RevocationEndpoint = "revocation";

    /// <inheritdoc cref="IntrospectionEndpoint"/>
    public const string AuthorizationEndpoint = "authorization";

    public ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        var (request, response) = (context.Transaction.Request, context.Response);
        if (response.Error is null && (response.AccessToken ?? response.IdToken) is not null)
        {
            activity.TokenIssued(request?.ClientId, request?.GrantType);
        }

        return Rewrite(context, response, request?.GrantType, throttled: true);
    }

    public ValueTask HandleAsync(ApplyAuthorizationResponseContext context) => Rewrite(context, context.Response, AuthorizationEndpoint, throttled: false);

    public ValueTask HandleAsync(ApplyIntrospectionResponseContext context) => Rewrite(context, context.Response, IntrospectionEndpoint, throttled: true);

    public ValueTask HandleAsync(ApplyRevocationResponseContext context) => Rewrite(context, context.Response, RevocationEndpoint, throttled: true);

    public ValueTask HandleAsync(ApplyUserInfoResponseContext context) => Rewrite(context, context.Response, endpoint: null, throttled: false);

    public ValueTask HandleAsync(ApplyEndSessionResponseContext context) => Rewrite(context, context.Response, endpoint: null, throttled: false);

    public ValueTask HandleAsync(ApplyConfigurationResponseContext context) => Rewrite(context, context.Response, endpoint: null, throttled: false);

    public ValueTask HandleAsync(ApplyJsonWebKeySetResponseContext context) => Rewrite(context, context.Response, endpoint: null, throttled: false);

    /// <param name="endpoint">What a refusal is recorded under (the grant type at the token endpoint); null where clients are not refused.</param>
    private ValueTask Rewrite(BaseContext context, OpenIddictResponse response, string? endpoint, bool throttled)
    {
        var request = context.Transaction.Request;
        if (http.HttpContext?.Features.Get<IStatusCodePagesFeature>() is { } statusPages)
        {
            statusPages.Enabled = false;
        }

        // Refused with its right secret: not a guess, so not counted (it would stay throttled once enabled).
        var disabled = context.Transaction.Properties.ContainsKey(DisabledClients.RefusedProperty);
        string? failure = null;
        var clientId = request?.ClientId;
        if (PrivateKeyJwt.RefusalOf(context.Transaction, response.Error, response.ErrorUri) is var (assertionClientId, assertionRefusal, assertionFailure))
        {
            // Whatever refused the assertion (OpenIddict's invalid_grant for a wrong iss, invalid_request
            // for a missing exp...), the caller hears what a wrong secret hears.
            response.Error = Errors.InvalidClient;
            response.ErrorDescription = InvalidCredentialsDescription;
            response.ErrorUri = InvalidCredentialsUri;
            (failure, clientId) = (assertionFailure, assertionClientId);
            LogClientAuthenticationFailed(logger, CallerText.Printable(assertionClientId), assertionRefusal);
        }
        else if (response.Error == Errors.InvalidRequest && (IsError(response, ScopeNotAllowed) || IsError(response, OfflineAccessNotAllowed)))
        {
            response.Error = Errors.InvalidScope;
        }
        else if (response.Error == Errors.InvalidClient && IsError(response, UnknownClient))
        {
            secrets.SpendFailedCheck(request?.ClientSecret);
            response.ErrorDescription = InvalidCredentialsDescription;
            response.ErrorUri = InvalidCredentialsUri;
            failure = FailureReasons.UnknownClient;
            LogClientAuthenticationFailed(logger, CallerText.Printable(request?.ClientId), "unknown client");
        }
        else if (response.Error == Errors.InvalidClient)
        {
            // OpenIddict's own lines are Information, which the shipped settings leave out (one per request is costly).
            // Any other invalid_client (a secret missing, or sent by a public client) is a wrong secret too.
            var refused = http.HttpContext?.Items[AuthClientApplicationManager.RefusedCredentialItem] as AuthClientApplicationManager.RefusedSecret;
            (failure, var reason) = disabled ? (FailureReasons.DisabledClient, "client disabled")
                : refused is not null ? (refused.Refusal == CredentialRefusal.Expired ? FailureReasons.ExpiredCredential : FailureReasons.RevokedCredential, refused.ToString())
                : (FailureReasons.WrongSecret, IsError(response, InvalidCredentials) ? "wrong secret" : response.ErrorUri ?? "");
            LogClientAuthenticationFailed(logger, CallerText.Printable(request?.ClientId), reason);
        }

        failure ??= response.Error switch
        {
            Errors.InvalidScope => FailureReasons.UnknownScope,
            Errors.UnauthorizedClient => FailureReasons.GrantNotAllowed,
            _ => null,
        };
        if (failure is not null && endpoint is not null)
        {
            activity.AuthenticationFailed(clientId, failure, endpoint);
        }

        if (throttled && !disabled)
        {
            Count(request, response.Error);
        }

        return ValueTask.CompletedTask;
    }

    private void Count(OpenIddictRequest? request, string? error)
    {
        var address = http.HttpContext?.Connection.RemoteIpAddress;
        if (error == Errors.InvalidClient)
        {
            throttle.RecordClientFailure(address, request?.ClientId);
        }
        else if (error == Errors.InvalidGrant && request?.IsPasswordGrantType() == true)
        {
            throttle.RecordAccountFailure(address, request.Username);
        }
        else if (error == Errors.InvalidRequest)
        {
            throttle.RecordMalformedRequest(address);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Client authentication failed for client_id {ClientId}: {Reason}.")]
    private static partial void LogClientAuthenticationFailed(ILogger logger, string? clientId, string reason);

    private static bool IsError(OpenIddictResponse response, string id) =>
        response.ErrorUri?.EndsWith(id, StringComparison.Ordinal) == true;

    private static OpenIddictServerHandlerDescriptor Describe<TContext>(OpenIddictServerHandlerDescriptor.Builder<TContext> builder)
        where TContext : OpenIddictServerEvents.BaseContext =>
        builder
            .SetOrder(int.MinValue + 100_000) // before the response is written
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();
}
