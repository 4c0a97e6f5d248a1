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
    public const string InvalidDescription = "The personal access token is invalid, expired or revoked.";

    /// <summary>A personal access token from the Authorization header (the only place tokens are read from).</summary>
    public static string? ReadToken(HttpRequest request) =>
        AuthorizationHeaderOnly.ReadBearerToken(request) is { } token && token.StartsWith(ApiTokenService.Prefix, StringComparison.Ordinal) ? token : null;

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
            return AuthenticateResult.Fail(InvalidDescription);
        }

        var identity = CreateIdentity(owner);
        user.AddClaimsTo(identity);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>What a personal access token says, for the API and for introspection alike.</summary>
    public static ClaimsIdentity CreateIdentity(ApiTokenOwner owner)
    {
        var identity = new ClaimsIdentity(SchemeName, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, owner.UserId));
        identity.AddClaim(new Claim(Claims.ClientId, owner.ClientId));
        identity.AddClaim(new Claim(AppClaimTypes.SubjectKind, SubjectKinds.User));
        // A personal access token carries the user's whole API access; their permissions limit it.
        identity.AddClaim(new Claim(Claims.Private.Scope, OAuthScopes.AuthClientsRead));
        identity.AddClaim(new Claim(Claims.Private.Scope, OAuthScopes.AuthClientsWrite));
        return identity;
    }

    public static bool IsPersonalAccessToken(ClaimsPrincipal principal) => principal.Identity?.AuthenticationType == SchemeName;

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"Bearer error=\"invalid_token\", error_description=\"{InvalidDescription}\"";
        return Task.CompletedTask;
    }
}
