using System.Security.Claims;
using System.Text.Encodings.Web;
using AuthClients.Web.Authorization;
using AuthClients.Web.Connect;
using AuthClients.Web.Features.ApiTokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Api;

/// <summary>
/// The API's authentication: bearer tokens that start with the personal access token prefix go
/// to <see cref="PersonalAccessTokenHandler"/>, every other bearer token to OpenIddict.
/// </summary>
public static class ApiAuthentication
{
    public const string Scheme = "Api";

    public static AuthenticationBuilder AddApiAuthentication(this AuthenticationBuilder builder) => builder
        .AddScheme<AuthenticationSchemeOptions, PersonalAccessTokenHandler>(PersonalAccessTokenHandler.SchemeName, null)
        .AddPolicyScheme(Scheme, "Bearer token", options => options.ForwardDefaultSelector = context =>
            PersonalAccessTokenHandler.ReadToken(context.Request) is not null
                ? PersonalAccessTokenHandler.SchemeName
                : OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
}

/// <summary>
/// Signs in the user a personal access token belongs to, with the user's current permissions,
/// as long as the token has not expired or been revoked and its user and client still exist.
/// </summary>
public sealed class PersonalAccessTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiTokenService tokens,
    UserAccessService access) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PersonalAccessToken";

    public static string? ReadToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer " + ApiTokenService.Prefix, StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (ReadToken(Request) is not { } token)
        {
            return AuthenticateResult.NoResult();
        }

        var owner = await tokens.ValidateAsync(token, Context.RequestAborted);
        var user = owner is null ? null : await access.GetAsync(owner.UserId, Context.RequestAborted);
        if (owner is null || user is null || !user.IsActive)
        {
            return AuthenticateResult.Fail("The personal access token is invalid, expired or revoked.");
        }

        var identity = new ClaimsIdentity(SchemeName, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, owner.UserId));
        identity.AddClaim(new Claim(Claims.ClientId, owner.ClientId));
        identity.AddClaim(new Claim(AppClaimTypes.SubjectKind, SubjectKinds.User));
        // A personal access token carries the user's whole API access; their permissions limit it.
        identity.AddClaim(new Claim(Claims.Private.Scope, OAuthScopes.AuthClientsRead));
        identity.AddClaim(new Claim(Claims.Private.Scope, OAuthScopes.AuthClientsWrite));
        user.AddClaimsTo(identity);

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\", error_description=\"The personal access token is invalid, expired or revoked.\"";
        return Task.CompletedTask;
    }
}
