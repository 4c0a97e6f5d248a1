using AuthClients.Web.Hosting;
using Microsoft.AspNetCore.WebUtilities;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Connect;

/// <summary>
/// The sign-in page often continues an authorization request: its post redirects to
/// <c>/connect/authorize</c>, which (when consent is remembered) redirects on to the client.
/// Browsers check <c>form-action</c> along that whole chain, so the page allows the client's
/// redirect origin, and only when that redirect URI is registered for that client.
/// </summary>
public sealed class SignInContinuation(IOpenIddictApplicationManager applications)
{
    public async Task AllowClientRedirectAsync(HttpContext context, string? returnUrl)
    {
        var authorize = context.Request.PathBase + Routes.Authorize + "?";
        if (returnUrl is null || !returnUrl.StartsWith(authorize, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var parameters = QueryHelpers.ParseQuery(returnUrl[(authorize.Length - 1)..]);
        if (!parameters.TryGetValue(Parameters.ClientId, out var clientId) || clientId.Count != 1 ||
            !parameters.TryGetValue(Parameters.RedirectUri, out var redirectUri) || redirectUri.Count != 1)
        {
            return;
        }

        if (await applications.FindByClientIdAsync(clientId.ToString(), context.RequestAborted) is { } application &&
            await applications.ValidateRedirectUriAsync(application, redirectUri.ToString(), context.RequestAborted))
        {
            FormRedirects.AllowFormRedirectTo(context, redirectUri);
        }
    }
}
