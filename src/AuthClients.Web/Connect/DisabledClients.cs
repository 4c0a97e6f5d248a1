using AuthClients.Web.Data.Entities;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthClients.Web.Connect;

/// <summary>
/// A disabled client (<see cref="AuthClientApplication.IsEnabled"/>) gets nothing from the server:
/// <list type="bullet">
/// <item>its token, introspection and revocation requests are refused as <c>invalid_client</c>,
/// with the wrong-secret answer (<see cref="ProtocolErrorHandler"/> logs the real reason);</item>
/// <item>its authorization requests get the "application disabled" page (<see cref="AuthorizationPage"/>),
/// never a redirect to the client.</item>
/// </list>
/// Its tokens are refused by <see cref="ClientAccessTokenValidator"/>. Nothing is deleted: enabling
/// the client again restores its unexpired tokens.
/// </summary>
public sealed class DisabledClients(IOpenIddictApplicationManager applications) :
    IOpenIddictServerHandler<ProcessAuthenticationContext>
{
    /// <summary>Set on the transaction when the request was refused because its client is disabled.</summary>
    public const string RefusedProperty = "authclients:client-disabled";

    public const string PageTitle = "This application is disabled";

    /// <summary>
    /// After OpenIddict has found the client and checked its credentials (secret, assertion or
    /// certificate): a disabled client with a wrong secret is told "wrong secret" like anyone, and
    /// one with the right secret costs what a success costs, so the answer tells nothing more.
    /// </summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .UseScopedHandler<DisabledClients>()
            .SetOrder(OpenIddictServerHandlers.ValidateClientCertificate.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        // Signing out (end session) and userinfo stay open: the first only ends the user's session,
        // the second checks its access token, which ClientAccessTokenValidator refuses.
        if (context.IsRejected || context.EndpointType is not (OpenIddictServerEndpointType.Token or OpenIddictServerEndpointType.Authorization or
            OpenIddictServerEndpointType.Introspection or OpenIddictServerEndpointType.Revocation or
            OpenIddictServerEndpointType.PushedAuthorization or OpenIddictServerEndpointType.DeviceAuthorization))
        {
            return;
        }

        if (context.Request?.ClientId is not { Length: > 0 } clientId || !await IsDisabledAsync(applications, clientId))
        {
            return;
        }

        context.Transaction.Properties[RefusedProperty] = true;
        context.Reject(Errors.InvalidClient, ProtocolErrorHandler.InvalidCredentialsDescription, ProtocolErrorHandler.InvalidCredentialsUri);
    }

    /// <summary>True when the client exists and is disabled (an unknown client is someone else's concern).</summary>
    public static async ValueTask<bool> IsDisabledAsync(IOpenIddictApplicationManager applications, string clientId) =>
        await applications.FindByClientIdAsync(clientId) is AuthClientApplication { IsEnabled: false };

    /// <summary>
    /// The answer to a disabled client's authorization request: a page in the app's layout for the
    /// user, status 403, instead of OpenIddict's plain-text error (the request never reached the
    /// redirect URI check, so nothing goes back to the client).
    /// </summary>
    public sealed class AuthorizationPage(IHttpContextAccessor http) : IOpenIddictServerHandler<ApplyAuthorizationResponseContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyAuthorizationResponseContext>()
                .UseSingletonHandler<AuthorizationPage>()
                // After OpenIddict has prepared the response, before the host writes it.
                .SetOrder(OpenIddictServerHandlers.Authentication.AttachIssuer.Descriptor.Order + 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(ApplyAuthorizationResponseContext context)
        {
            if (!context.Transaction.Properties.ContainsKey(RefusedProperty) || http.HttpContext is not { } httpContext)
            {
                return;
            }

            var services = httpContext.RequestServices;
            var page = new ViewResult
            {
                ViewName = "~/Views/Authorization/ClientDisabled.cshtml",
                StatusCode = StatusCodes.Status403Forbidden,
                ViewData = new ViewDataDictionary(services.GetRequiredService<IModelMetadataProvider>(), new ModelStateDictionary()),
            };
            await page.ExecuteResultAsync(new ActionContext(httpContext, httpContext.GetRouteData(), new ActionDescriptor()));
            context.HandleRequest();
        }
    }
}
