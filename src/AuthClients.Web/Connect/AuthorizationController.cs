using System.Collections.Immutable;
using System.Security.Claims;
using AuthClients.Web.Authorization;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Hosting;
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
    private const string ConsentDeny = "submit.Deny";
    private const string SignOutConfirm = "submit.SignOut";

    /// <summary>
    /// The authorization endpoint, by GET or POST (OpenID Connect Core 3.1.2.1). It is a protocol
    /// endpoint: the request comes from another site's page, with no anti-forgery token. The
    /// user's decision on the consent page goes to <see cref="Accept"/> or <see cref="Deny"/>.
    /// </summary>
    [AllowAnonymous]
    [IgnoreAntiforgeryToken]
    [HttpGet("~" + Routes.Authorize)]
    [HttpPost("~" + Routes.Authorize)]
    public async Task<IActionResult> Authorize([FromServices] IOpenIddictAuthorizationManager authorizations, [FromServices] UserManager<AppUser> userManager)
    {
        var request = AuthorizationRequest();
        if (RepeatedParameter() is { } repeated)
        {
            // OpenIddict refuses a repeated client_id or redirect_uri; any other repeated parameter
            // (scope=a&scope=b) would be read as something the user never saw on the consent page.
            return Refuse(Errors.InvalidRequest, $"The '{repeated}' parameter must not be repeated.");
        }

        if (request.MaxAge is not >= 0 && ProtocolParameters().Any(p => p.Key == Parameters.MaxAge))
        {
            return Refuse(Errors.InvalidRequest, "The 'max_age' parameter must be a number of seconds.");
        }

        var signedIn = await HttpContext.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        if (!signedIn.Succeeded || request.HasPromptValue(PromptValues.Login) || SignedInTooLongAgo(signedIn.Principal!, request))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Refuse(Errors.LoginRequired, "The user is not signed in.");
            }

            // A post from another site carries no SameSite=Lax session cookie: the same request by
            // GET does, so a user who is signed in is not asked to sign in again.
            return HttpMethods.IsPost(Request.Method) && !signedIn.Succeeded
                ? AsGet()
                : SignInFirst(WithoutPromptLogin(request));
        }

        var user = await userManager.GetUserAsync(signedIn.Principal!);
        if (user is null || !user.IsActive)
        {
            return Refuse(Errors.LoginRequired, "The user is not allowed to sign in.");
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!) ?? throw new InvalidOperationException("Unknown client.");
        var existing = await ExistingConsentAsync(authorizations, user, application, request);
        if (existing is not null && !request.HasPromptValue(PromptValues.Consent))
        {
            return await IssueAsync(authorizations, user, signedIn.Principal!, application, request, existing);
        }

        if (request.HasPromptValue(PromptValues.None))
        {
            return Refuse(Errors.ConsentRequired, "The user has not consented yet.");
        }

        return View("Consent", new ConsentViewModel(
            await applications.GetLocalizedDisplayNameAsync(application) ?? request.ClientId!,
            request.GetScopes().Select(OAuthScopes.Describe).ToList(),
            ProtocolParameters().ToList()));
    }

    /// <summary>The consent page's Allow button (anti-forgery checked, like every form of the app).</summary>
    [AllowAnonymous]
    [FormValueRequired(ConsentAccept, Unless = ConsentDeny)]
    [HttpPost("~" + Routes.Authorize)]
    public async Task<IActionResult> Accept([FromServices] IOpenIddictAuthorizationManager authorizations, [FromServices] UserManager<AppUser> userManager)
    {
        var request = AuthorizationRequest();
        var signedIn = await HttpContext.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var user = signedIn.Succeeded ? await userManager.GetUserAsync(signedIn.Principal!) : null;
        if (user is null || !user.IsActive)
        {
            // Signed out (or deactivated) while the consent page was open: sign in, then consent again.
            return SignInFirst(ProtocolParameters());
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!) ?? throw new InvalidOperationException("Unknown client.");
        return await IssueAsync(authorizations, user, signedIn.Principal!, application, request, await ExistingConsentAsync(authorizations, user, application, request));
    }

    /// <summary>The consent page's Deny button: back to the client with <c>access_denied</c>.</summary>
    [AllowAnonymous]
    [FormValueRequired(ConsentDeny)]
    [HttpPost("~" + Routes.Authorize)]
    public IActionResult Deny()
    {
        AuthorizationRequest();
        return Refuse(Errors.AccessDenied, "The user denied the request.");
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
            // otherwise InlineTokenHandler answers before MVC (and for the code and refresh grants below).
            var identity = await InlineTokenHandler.CreateIdentityAsync(applications, request, HttpContext.RequestAborted);
            return SignIn(new ClaimsPrincipal(identity), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsPasswordGrantType())
        {
            // The sign-in page's check: one answer, and one cost, for unknown, inactive, locked and wrong.
            // No lockout from here: anyone could lock a user out by guessing. ClientAuthenticationThrottle
            // limits guesses per address and account instead (security checklist 40).
            if (await services.GetRequiredService<PasswordCheckService>().CheckAsync(request.Username, request.Password, countTowardLockout: false) is not { } user)
            {
                return Refuse(Errors.InvalidGrant, "The email or password is invalid.");
            }

            return SignIn(new ClaimsPrincipal(UserTokenClaims.Create(user, request.GetScopes())), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            var users = services.GetRequiredService<UserManager<AppUser>>();
            var result = await HttpContext.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            var user = result.Principal?.GetClaim(Claims.Subject) is { } userId ? await users.FindByIdAsync(userId) : null;
            if (user is null || !user.IsActive)
            {
                return Refuse(Errors.InvalidGrant, InlineTokenHandler.UserNotAllowedDescription);
            }

            // Only reached with OAuthServer:Performance:HandleUserGrantsInline=false (the baseline).
            return SignIn(new ClaimsPrincipal(UserTokenClaims.Renewed(user, result.Principal!)), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
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

    /// <summary>
    /// RP-initiated logout, by GET or POST: asks first, so another site cannot sign the user out
    /// with a link. OpenIddict has checked any <c>post_logout_redirect_uri</c> against the client's
    /// registered addresses before this runs.
    /// </summary>
    [AllowAnonymous]
    [IgnoreAntiforgeryToken]
    [HttpGet("~" + Routes.EndSession)]
    [HttpPost("~" + Routes.EndSession)]
    public IActionResult Logout()
    {
        var request = HttpContext.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (RepeatedParameter() is not null)
        {
            return BadRequest(); // the error page: which of two return addresses or states would be meant?
        }

        if (HttpMethods.IsPost(Request.Method))
        {
            // Posted from the client's site, the request carries no SameSite=Lax session cookie, so
            // the page would be made for a signed-out user and its Sign out would fail: ask by GET.
            return AsGet();
        }

        FormRedirects.AllowFormRedirectTo(HttpContext, request.PostLogoutRedirectUri);
        return View("Logout", ProtocolParameters().ToList());
    }

    /// <summary>The logout page's Sign out button (anti-forgery checked).</summary>
    [AllowAnonymous]
    [FormValueRequired(SignOutConfirm)]
    [HttpPost("~" + Routes.EndSession)]
    public async Task<IActionResult> LogoutConfirmed([FromServices] SignInManager<AppUser> signIn)
    {
        var users = signIn.UserManager;
        // As the app's own sign-out: a new security stamp ends every copy of the session cookie.
        if (await users.GetUserAsync(User) is { } user)
        {
            await users.UpdateSecurityStampAsync(user);
        }

        await signIn.SignOutAsync();

        // OpenIddict sends the browser to the validated post_logout_redirect_uri (with its state);
        // without one, to this app's home page.
        return SignOut(new AuthenticationProperties { RedirectUri = "/" }, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>The request OpenIddict validated; its redirect URI is the one origin this response's forms may end at.</summary>
    private OpenIddictRequest AuthorizationRequest()
    {
        var request = HttpContext.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        FormRedirects.AllowFormRedirectTo(HttpContext, request.RedirectUri);
        return request;
    }

    /// <summary>
    /// The request's own parameters as they arrived (query or form), without the page's form
    /// fields (the anti-forgery token and the buttons), to carry them through a page or a redirect.
    /// </summary>
    private IEnumerable<KeyValuePair<string, string?>> ProtocolParameters() =>
        (Request.HasFormContentType ? Request.Form.AsEnumerable() : Request.Query.AsEnumerable())
            .Where(p => p.Key is not (ConsentAccept or ConsentDeny or SignOutConfirm) && !p.Key.StartsWith("__", StringComparison.Ordinal))
            .SelectMany(p => p.Value.Select(value => new KeyValuePair<string, string?>(p.Key, value)));

    /// <summary>
    /// <c>max_age</c>: the client wants a sign-in no older than this many seconds (0: a fresh one).
    /// The sign-in that follows satisfies it, so it is not carried on (the check would fail again).
    /// </summary>
    private static bool SignedInTooLongAgo(ClaimsPrincipal session, OpenIddictRequest request) =>
        request.MaxAge is { } maxAge &&
        (SignInTimeClaims.SignedInAt(session) is not { } signedInAt || DateTimeOffset.UtcNow - signedInAt > TimeSpan.FromSeconds(maxAge));

    /// <summary>The name of a parameter the request carries more than once, if any.</summary>
    private string? RepeatedParameter() =>
        ProtocolParameters().GroupBy(p => p.Key, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;

    /// <summary>The same protocol request by GET, which carries the session cookie (SameSite=Lax) when it comes from another site.</summary>
    private RedirectResult AsGet() => Redirect(Request.PathBase + Request.Path + QueryString.Create(ProtocolParameters()));

    /// <summary>The request's parameters for after the sign-in: without "login" among the prompt values (it is done), keeping the others (consent).</summary>
    private IEnumerable<KeyValuePair<string, string?>> WithoutPromptLogin(OpenIddictRequest request)
    {
        var others = request.GetPromptValues().Remove(PromptValues.Login);
        return ProtocolParameters().Where(p => p.Key is not (Parameters.Prompt or Parameters.MaxAge))
            .Concat(others.IsEmpty ? [] : [new KeyValuePair<string, string?>(Parameters.Prompt, string.Join(' ', others))]);
    }

    /// <summary>Sign in with the app's own page, then come back to the authorization endpoint with the same parameters.</summary>
    private ChallengeResult SignInFirst(IEnumerable<KeyValuePair<string, string?>> parameters) =>
        Challenge(new AuthenticationProperties { RedirectUri = Request.PathBase + Routes.Authorize + QueryString.Create(parameters) }, IdentityConstants.ApplicationScheme);

    private async Task<object?> ExistingConsentAsync(IOpenIddictAuthorizationManager authorizations, AppUser user, object application, OpenIddictRequest request)
    {
        var applicationId = await applications.GetIdAsync(application);
        var existing = await authorizations.FindAsync(user.Id, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, request.GetScopes()).ToListAsync();
        return existing.LastOrDefault();
    }

    /// <summary>Issues the code for the user, under their permanent consent (created now when there is none).</summary>
    private async Task<Microsoft.AspNetCore.Mvc.SignInResult> IssueAsync(IOpenIddictAuthorizationManager authorizations, AppUser user, ClaimsPrincipal session, object application, OpenIddictRequest request, object? consent)
    {
        var identity = UserTokenClaims.Create(user, request.GetScopes(), SignInTimeClaims.SignedInAt(session));
        consent ??= await authorizations.CreateAsync(
            identity: identity,
            subject: user.Id,
            client: (await applications.GetIdAsync(application))!,
            type: AuthorizationTypes.Permanent,
            scopes: identity.GetScopes());
        identity.SetAuthorizationId(await authorizations.GetIdAsync(consent));
        return SignIn(new ClaimsPrincipal(identity), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private ForbidResult Refuse(string error, string description) =>
        Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
}

public sealed record ConsentViewModel(string ClientName, IReadOnlyList<string> Scopes, IReadOnlyList<KeyValuePair<string, string?>> Parameters);
