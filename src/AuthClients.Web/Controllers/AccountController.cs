using System.ComponentModel.DataAnnotations;
using AuthClients.Web.Connect;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.SecondFactor;
using AuthClients.Web.Features.Users;
using AuthClients.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Controllers;

public sealed class SignInForm
{
    [Required(ErrorMessage = "The Email field is required.")]
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    public string? Email { get; set; }

    [Required(ErrorMessage = "The Password field is required.")]
    [DataType(DataType.Password)]
    public string? Password { get; set; }

    public string? ReturnUrl { get; set; }
}

/// <summary>The sign-in page's second step: a code from the authenticator app.</summary>
public sealed class AuthenticatorCodeForm
{
    [Required(ErrorMessage = "Enter the code from your authenticator app.")]
    [StringLength(10, ErrorMessage = "The code is the 6 digits your app shows.")]
    public string? Code { get; set; }

    public bool RememberBrowser { get; set; }

    public string? ReturnUrl { get; set; }
}

/// <summary>The second step with one of the recovery codes shown when the authenticator was set up.</summary>
public sealed class RecoveryCodeForm
{
    [Required(ErrorMessage = "Enter one of your recovery codes.")]
    [StringLength(40, ErrorMessage = "A recovery code is 11 characters, such as ABCDE-12345.")]
    public string? Code { get; set; }

    public string? ReturnUrl { get; set; }
}

/// <summary>The sign-in page's passkey form: what <c>navigator.credentials.get()</c> gave, as JSON.</summary>
public sealed class PasskeySignInForm
{
    public string? Credential { get; set; }

    public string? ReturnUrl { get; set; }
}

/// <summary>The second step's page: the form and whether "Remember this browser" is offered.</summary>
public sealed record AuthenticatorCodeViewModel(AuthenticatorCodeForm Form, bool OfferRememberBrowser, int RememberBrowserDays);

[Route("account")]
public sealed class AccountController(
    SignInManager<AppUser> signIn,
    UserManager<AppUser> users,
    SignInService signIns,
    SecondFactorSignIn secondFactor,
    PasskeyService passkeys,
    RememberedBrowsers rememberedBrowsers,
    Microsoft.Extensions.Options.IOptions<SecondFactorOptions> secondFactorOptions,
    SignInContinuation continuation) : Controller
{
    public const string TwoFactorPath = "two-factor";
    public const string RecoveryCodePath = "recovery-code";
    public const string PasskeyPath = "passkey";

    /// <summary>
    /// One message for unknown email, wrong password, inactive and locked accounts, so the page
    /// does not tell an attacker which accounts exist.
    /// </summary>
    public static readonly string FailedMessage = "Invalid email or password. " + PasswordCheckService.LockoutNotice;

    [AllowAnonymous]
    [HttpGet("login")]
    public async Task<IActionResult> Login(string? returnUrl)
    {
        await continuation.AllowClientRedirectAsync(HttpContext, returnUrl);
        return View(new SignInForm { ReturnUrl = returnUrl });
    }

    [AllowAnonymous]
    [HttpPost("login")]
    public async Task<IActionResult> Login(SignInForm form)
    {
        await continuation.AllowClientRedirectAsync(HttpContext, form.ReturnUrl);
        if (!ModelState.IsValid)
        {
            return View(form);
        }

        // Not the request's token: a caller who hangs up after the password check still leaves its record.
        if (await signIns.CheckAsync(form.Email, form.Password, CancellationToken.None) is { } accepted)
        {
            switch (accepted.Next)
            {
                case AfterPassword.Code:
                    await secondFactor.StartAsync(accepted.User);
                    return RedirectToAction(nameof(TwoFactor), new { returnUrl = LocalOrNull(form.ReturnUrl) });
                case AfterPassword.Passkey:
                    ModelState.AddModelError("", SecondFactorSignIn.PasskeyRequiredMessage);
                    return View(form);
                default:
                    await signIn.SignInAsync(accepted.User, isPersistent: false, authenticationMethod: PasswordAuthenticationMethod);
                    return Continue(form.ReturnUrl);
            }
        }

        ModelState.AddModelError("", FailedMessage);
        return View(form);
    }

    /// <summary>The request options for wwwroot/js/passkeys.js: any passkey of this site; the challenge is kept in Identity's cookie.</summary>
    [AllowAnonymous]
    [HttpPost(PasskeyPath + "/options")]
    public async Task<IActionResult> PasskeyOptions() => Content(await passkeys.RequestOptionsAsync(), "application/json");

    [AllowAnonymous]
    [HttpPost(PasskeyPath)]
    public async Task<IActionResult> Passkey(PasskeySignInForm form)
    {
        await continuation.AllowClientRedirectAsync(HttpContext, form.ReturnUrl);
        if (!string.IsNullOrEmpty(form.Credential) && await passkeys.SignInAsync(form.Credential))
        {
            return Continue(form.ReturnUrl);
        }

        ModelState.AddModelError("", PasskeyService.SignInFailedMessage);
        return View(nameof(Login), new SignInForm { ReturnUrl = form.ReturnUrl });
    }

    [AllowAnonymous]
    [HttpGet(TwoFactorPath)]
    public async Task<IActionResult> TwoFactor(string? returnUrl)
    {
        await continuation.AllowClientRedirectAsync(HttpContext, returnUrl);
        return await secondFactor.PendingUserAsync() is null
            ? Redirect(Routes.SignIn)
            : View(CodePage(new AuthenticatorCodeForm { ReturnUrl = returnUrl }));
    }

    [AllowAnonymous]
    [HttpPost(TwoFactorPath)]
    public Task<IActionResult> TwoFactor(AuthenticatorCodeForm form) =>
        CodeStepAsync(form.ReturnUrl, () => View(CodePage(form)), user => secondFactor.CheckAuthenticatorCodeAsync(user, form.Code!, form.RememberBrowser));

    [AllowAnonymous]
    [HttpGet(RecoveryCodePath)]
    public async Task<IActionResult> RecoveryCode(string? returnUrl)
    {
        await continuation.AllowClientRedirectAsync(HttpContext, returnUrl);
        return await secondFactor.PendingUserAsync() is null
            ? Redirect(Routes.SignIn)
            : View(new RecoveryCodeForm { ReturnUrl = returnUrl });
    }

    [AllowAnonymous]
    [HttpPost(RecoveryCodePath)]
    public Task<IActionResult> RecoveryCode(RecoveryCodeForm form) =>
        CodeStepAsync(form.ReturnUrl, () => View(form), user => secondFactor.CheckRecoveryCodeAsync(user, form.Code!));

    [HttpPost("logout")]
    public async Task<IActionResult> Logout()
    {
        // A new security stamp makes every copy of this session's cookie worthless, not just the
        // browser's own (which SignOutAsync deletes). It also ends the user's other sessions.
        if (await users.GetUserAsync(User) is { } user)
        {
            await users.UpdateSecurityStampAsync(user);
        }

        await signIn.SignOutAsync();
        return Redirect(Routes.SignIn);
    }

    /// <summary>
    /// The second step's post, whichever the code: only for the user who typed the right password in
    /// this browser; an invalid form or a wrong code shows <paramref name="page"/> again with its message.
    /// </summary>
    private async Task<IActionResult> CodeStepAsync(string? returnUrl, Func<IActionResult> page, Func<AppUser, Task<CodeCheckOutcome>> check)
    {
        await continuation.AllowClientRedirectAsync(HttpContext, returnUrl);
        if (await secondFactor.PendingUserAsync() is not { } user)
        {
            return Redirect(Routes.SignIn);
        }

        if (!ModelState.IsValid)
        {
            return page();
        }

        if (await check(user) == CodeCheckOutcome.Succeeded)
        {
            return Continue(returnUrl);
        }

        // Both forms name their field Code.
        ModelState.AddModelError(nameof(AuthenticatorCodeForm.Code), SecondFactorSignIn.WrongCodeMessage);
        return page();
    }

    private AuthenticatorCodeViewModel CodePage(AuthenticatorCodeForm form) =>
        new(form, rememberedBrowsers.IsOffered, secondFactorOptions.Value.RememberBrowserDays);

    // "/" leads to the Dashboard, which shows each user what they may see.
    private LocalRedirectResult Continue(string? returnUrl) => LocalRedirect(LocalOrNull(returnUrl) ?? "/");

    private string? LocalOrNull(string? returnUrl) => Url.IsLocalUrl(returnUrl) ? returnUrl : null;

    // The "amr" value Identity's own PasswordSignInAsync records.
    private const string PasswordAuthenticationMethod = "pwd";
}
