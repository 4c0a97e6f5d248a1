using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthClients.Web.Connect;

/// <summary>
/// Adjusts two of OpenIddict's error answers before they are written:
/// <list type="bullet">
/// <item>A scope the client may not use comes back as <c>invalid_request</c>: one it was not given
/// (ID2051), or <c>offline_access</c> without the refresh token grant (ID2065). RFC 6749 5.2 and
/// 4.1.2.1 call both <c>invalid_scope</c>, which client libraries look for.</item>
/// <item>An unknown <c>client_id</c> (ID2052) is told apart from a wrong secret (ID2055); both get
/// the wrong-secret answer, after the work a wrong secret costs (<see cref="ClientSecretHasher.SpendFailedCheck"/>),
/// so a caller cannot learn which client IDs exist from the body or the timing.</item>
/// </list>
/// </summary>
public sealed partial class ProtocolErrorHandler(
    ClientSecretHasher secrets,
    ClientAuthenticationThrottle throttle,
    IHttpContextAccessor http,
    ILogger<ProtocolErrorHandler> logger) :
    IOpenIddictServerHandler<ApplyTokenResponseContext>,
    IOpenIddictServerHandler<ApplyAuthorizationResponseContext>,
    IOpenIddictServerHandler<ApplyIntrospectionResponseContext>,
    IOpenIddictServerHandler<ApplyRevocationResponseContext>
{
    private const string ScopeNotAllowed = "ID2051";
    private const string OfflineAccessNotAllowed = "ID2065";
    private const string UnknownClient = "ID2052";
    private const string InvalidCredentials = "ID2055";
    private const string InvalidCredentialsDescription = "The specified client credentials are invalid.";
    private const string ErrorUriPrefix = "https://documentation.openiddict.com/errors/";

    public static IEnumerable<OpenIddictServerHandlerDescriptor> Descriptors { get; } =
    [
        Describe(OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>().UseSingletonHandler<ProtocolErrorHandler>()),
        Describe(OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyAuthorizationResponseContext>().UseSingletonHandler<ProtocolErrorHandler>()),
        Describe(OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyIntrospectionResponseContext>().UseSingletonHandler<ProtocolErrorHandler>()),
        Describe(OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyRevocationResponseContext>().UseSingletonHandler<ProtocolErrorHandler>()),
    ];

    public ValueTask HandleAsync(ApplyTokenResponseContext context) => Rewrite(context.Request, context.Response);

    public ValueTask HandleAsync(ApplyAuthorizationResponseContext context) => Rewrite(context.Request, context.Response);

    public ValueTask HandleAsync(ApplyIntrospectionResponseContext context) => Rewrite(context.Request, context.Response);

    public ValueTask HandleAsync(ApplyRevocationResponseContext context) => Rewrite(context.Request, context.Response);

    private ValueTask Rewrite(OpenIddictRequest? request, OpenIddictResponse response)
    {
        if (response.Error == Errors.InvalidClient)
        {
            throttle.RecordFailure(request?.ClientId, http.HttpContext?.Connection.RemoteIpAddress?.ToString());
        }

        if (response.Error == Errors.InvalidRequest && (IsError(response, ScopeNotAllowed) || IsError(response, OfflineAccessNotAllowed)))
        {
            response.Error = Errors.InvalidScope;
        }
        else if (response.Error == Errors.InvalidClient && IsError(response, UnknownClient))
        {
            secrets.SpendFailedCheck(request?.ClientSecret);
            response.ErrorDescription = InvalidCredentialsDescription;
            response.ErrorUri = ErrorUriPrefix + InvalidCredentials;
            LogClientAuthenticationFailed(logger, Truncate(request?.ClientId), "unknown client");
        }
        else if (response.Error == Errors.InvalidClient)
        {
            // OpenIddict's own lines are Information, which the shipped settings leave out (one per request is costly).
            LogClientAuthenticationFailed(logger, Truncate(request?.ClientId), IsError(response, InvalidCredentials) ? "wrong secret" : response.ErrorUri ?? "");
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The caller chose this text: at most 100 characters, no line breaks or other control characters.</summary>
    private static string? Truncate(string? clientId)
    {
        if (clientId is null)
        {
            return null;
        }

        var safe = string.Concat(clientId.Take(100).Select(c => char.IsControl(c) ? '?' : c));
        return clientId.Length > 100 ? safe + "..." : safe;
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
