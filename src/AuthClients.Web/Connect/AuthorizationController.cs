using System.Collections.Immutable;
using System.Security.Claims;
using AuthClients.Web.Authorization;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Users;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace AuthClients.Web.Connect;

/// <summary>
/// The OAuth 2.0 / OpenID Connect endpoints whose decisions belong to the application: who the
/// user is and what they consent to. OpenIddict has already validated each request (client,
/// secret, redirect URI, PKCE, grant permissions) before an action here runs.
/// </summary>
[ApiExplorerSettings(IgnoreApi = true)]
/// <remarks>
/// Identity's managers are taken per action ([FromServices]), not in the constructor: building them
/// costs more than a whole client-credentials token request, which needs neither.
/// </remarks>
public sealed class AuthorizationController(IOpenIddictApplicationManager applications) : Controller
{
    private const string ConsentAccept = "submit.Accept";

    [AllowAnonymous]
    [HttpGet("~/connect/authorize")]
    [HttpPost("~/connect/authorize")]
    public async Task<IActionResult> Authorize([FromServices] IOpenIddictAuthorizationManager authorizations, [FromServices] UserManager<AppUser> userManager)
    {
        var request = HttpContext.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var result = await HttpContext.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        if (!result.Succeeded || request.HasPromptValue(PromptValues.Login))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Refuse(Errors.LoginRequired, "The user is not signed in.");
            }

            // Sign in with the app's own page, then come back with the same parameters.
            var parameters = Request.HasFormContentType ? Request.Form.Where(p => p.Key != "prompt").ToList() : Request.Query.Where(p => p.Key != "prompt").ToList();
            return Challenge(new AuthenticationProperties { RedirectUri = Request.PathBase + Request.Path + QueryString.Create(parameters) }, IdentityConstants.ApplicationScheme);
        }

        var user = await userManager.GetUserAsync(result.Principal!);
        if (user is null || !user.IsActive)
        {
            return Refuse(Errors.LoginRequired, "The user is not allowed to sign in.");
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!) ?? throw new InvalidOperationException("Unknown client.");
        var applicationId = await applications.GetIdAsync(application);
        var existing = await authorizations.FindAsync(user.Id, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, request.GetScopes()).ToListAsync();

        var consented = existing.Count > 0;
        if (!consented)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Refuse(Errors.ConsentRequired, "The user has not consented yet.");
            }

            if (!Request.HasFormContentType || !Request.Form.ContainsKey(ConsentAccept))
            {
                if (Request.HasFormContentType && Request.Form.ContainsKey("submit.Deny"))
                {
                    return Refuse(Errors.AccessDenied, "The user denied the request.");
                }

                return View("Consent", new ConsentViewModel(
                    await applications.GetLocalizedDisplayNameAsync(application) ?? request.ClientId!,
                    request.GetScopes().Select(OAuthScopes.Describe).ToList(),
                    request.GetParameters().Select(p => new KeyValuePair<string, string>(p.Key, p.Value.ToString() ?? "")).ToList()));
            }
        }

        var identity = CreateUserIdentity(user, request.GetScopes());
        var authorization = existing.LastOrDefault() ?? await authorizations.CreateAsync(
            identity: identity,
            subject: user.Id,
            client: applicationId!,
            type: AuthorizationTypes.Permanent,
            scopes: identity.GetScopes());
        identity.SetAuthorizationId(await authorizations.GetIdAsync(authorization));
        return SignIn(new ClaimsPrincipal(identity), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    [AllowAnonymous]
    [IgnoreAntiforgeryToken] // a protocol endpoint: clients authenticate, they have no form token
    [HttpPost("~/connect/token")]
    [Produces("application/json")]
    public async Task<IActionResult> Exchange()
    {
        var services = HttpContext.RequestServices;
        var request = HttpContext.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");

        if (request.IsClientCredentialsGrantType())
        {
            // Only reached with OAuthServer:Performance:HandleClientCredentialsInline=false (the baseline):
            // otherwise ClientCredentialsTokenHandler answers before MVC.
            var identity = await ClientCredentialsTokenHandler.CreateIdentityAsync(applications, request, HttpContext.RequestAborted);
            return SignIn(new ClaimsPrincipal(identity), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsPasswordGrantType())
        {
            // The sign-in page's check: one answer, and one cost, for unknown, inactive, locked and wrong.
            if (await services.GetRequiredService<PasswordCheckService>().CheckAsync(request.Username, request.Password) is not { } user)
            {
                return Refuse(Errors.InvalidGrant, "The email or password is invalid.");
            }

            return SignIn(new ClaimsPrincipal(CreateUserIdentity(user, request.GetScopes())), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var users = services.GetRequiredService<UserManager<AppUser>>();
            var result = await HttpContext.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var user = result.Principal?.GetClaim(Claims.Subject) is { } userId ? await users.FindByIdAsync(userId) : null;
            if (user is null || !user.IsActive)
            {
                return Refuse(Errors.InvalidGrant, "The user is no longer allowed to sign in.");
            }

            // Fresh claims (name, email) with the scopes and authorization of the original grant.
            var identity = CreateUserIdentity(user, result.Principal!.GetScopes());
            identity.SetAuthorizationId(result.Principal!.GetAuthorizationId());
            return SignIn(new ClaimsPrincipal(identity), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        return Refuse(Errors.UnsupportedGrantType, "This grant type is not supported.");
    }

    [HttpGet("~/connect/userinfo")]
    [HttpPost("~/connect/userinfo")]
    [IgnoreAntiforgeryToken]
    [Authorize(AuthenticationSchemes = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)]
    public async Task<IActionResult> UserInfo([FromServices] UserManager<AppUser> userManager)
    {
        var user = await userManager.FindByIdAsync(User.GetClaim(Claims.Subject) ?? "");
        if (user is null || !user.IsActive)
        {
            return Challenge(new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The user no longer exists or is inactive.",
            }), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        var claims = new Dictionary<string, object>(StringComparer.Ordinal) { [Claims.Subject] = user.Id };
        if (User.HasScope(Scopes.Profile))
        {
            claims[Claims.Name] = user.FullName;
            claims[Claims.GivenName] = user.FirstName;
            claims[Claims.FamilyName] = user.LastName;
        }

        if (User.HasScope(Scopes.Email))
        {
            claims[Claims.Email] = user.Email ?? "";
            claims[Claims.EmailVerified] = user.EmailConfirmed;
        }

        return Ok(claims);
    }

    /// <summary>RP-initiated logout: asks first, so another site cannot sign the user out with a link.</summary>
    [AllowAnonymous]
    [HttpGet("~/connect/logout")]
    public IActionResult Logout() => View("Logout", Request.Query.Select(p => new KeyValuePair<string, string>(p.Key, p.Value.ToString())).ToList());

    [AllowAnonymous]
    [HttpPost("~/connect/logout")]
    [ActionName(nameof(Logout))]
    public async Task<IActionResult> LogoutConfirmed([FromServices] SignInManager<AppUser> signIn)
    {
        var users = signIn.UserManager;
        // As the app's own sign-out: a new security stamp ends every copy of the session cookie.
        if (await users.GetUserAsync(User) is { } user)
        {
            await users.UpdateSecurityStampAsync(user);
        }

        await signIn.SignOutAsync();
        return SignOut(new AuthenticationProperties { RedirectUri = "/" }, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static ClaimsIdentity CreateUserIdentity(AppUser user, ImmutableArray<string> scopes)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id)
            .SetClaim(Claims.Email, user.Email)
            .SetClaim(Claims.Name, user.FullName)
            .SetClaim(Claims.PreferredUsername, user.UserName)
            .SetClaim(AppClaimTypes.SubjectKind, SubjectKinds.User);
        identity.SetScopes(scopes);
        identity.SetResources(OAuthScopes.ApiResource);
        identity.SetDestinations(claim => DestinationsOf(claim, identity));
        return identity;
    }

    private static IEnumerable<string> DestinationsOf(Claim claim, ClaimsIdentity identity)
    {
        yield return OpenIddictConstants.Destinations.AccessToken;
        var inIdentityToken = claim.Type switch
        {
            Claims.Name or Claims.PreferredUsername => identity.HasScope(Scopes.Profile),
            Claims.Email => identity.HasScope(Scopes.Email),
            _ => false,
        };
        if (inIdentityToken)
        {
            yield return OpenIddictConstants.Destinations.IdentityToken;
        }
    }

    private ForbidResult Refuse(string error, string description) =>
        Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
}

public sealed record ConsentViewModel(string ClientName, IReadOnlyList<string> Scopes, IReadOnlyList<KeyValuePair<string, string>> Parameters);
