using Microsoft.AspNetCore;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace AuthClients.Web.Connect;

/// <summary>
/// Access tokens are taken from the <c>Authorization</c> header only (RFC 6750 2.1), with the
/// scheme name in any case (RFC 9110 11.1): never from a URL, which proxies log and browsers keep
/// in their history, nor from a form body. The API's OpenIddict validation is set up so in
/// <see cref="Hosting.OpenIddictHosting"/>; this is the same rule for personal access tokens and
/// for <c>/connect/userinfo</c>, which OpenIddict would otherwise read from the query or the form.
/// </summary>
public sealed class AuthorizationHeaderOnly : IOpenIddictServerHandler<ValidateUserInfoRequestContext>
{
    public const string InUrlOrFormDescription = "Send the access token in the Authorization header (Bearer), not in the URL or the form.";

    private const string BearerPrefix = "Bearer ";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateUserInfoRequestContext>()
            .UseSingletonHandler<AuthorizationHeaderOnly>()
            .SetOrder(OpenIddictServerHandlers.UserInfo.ValidateAccessTokenParameter.Descriptor.Order - 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <summary>The bearer token of the <c>Authorization</c> header, whatever the case of "Bearer"; null without one.</summary>
    public static string? ReadBearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) && header[BearerPrefix.Length..].Trim() is { Length: > 0 } token
            ? token
            : null;
    }

    public async ValueTask HandleAsync(ValidateUserInfoRequestContext context)
    {
        var request = context.Transaction.GetHttpRequest();
        if (request is null)
        {
            return;
        }

        var inForm = request.HasFormContentType && (await request.ReadFormAsync(context.CancellationToken)).ContainsKey(Parameters.AccessToken);
        if (inForm || request.Query.ContainsKey(Parameters.AccessToken))
        {
            context.Reject(Errors.InvalidRequest, InUrlOrFormDescription);
        }
    }
}
