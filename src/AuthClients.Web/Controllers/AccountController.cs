using System.ComponentModel.DataAnnotations;
using AuthClients.Web.Connect;
using AuthClients.Web.Data.Entities;
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

[Route("account")]
public sealed class AccountController(SignInManager<AppUser> signIn, UserManager<AppUser> users, SignInService signIns, SignInContinuation continuation) : Controller
{
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
        if (await signIns.CheckAsync(form.Email, form.Password, CancellationToken.None) is { } user)
        {
            await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: PasswordAuthenticationMethod);

            // "/" leads to the Dashboard, which shows each user what they may see.
            return LocalRedirect(Url.IsLocalUrl(form.ReturnUrl) ? form.ReturnUrl : "/");
        }

        ModelState.AddModelError("", FailedMessage);
        return View(form);
    }

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

    // The "amr" value Identity's own PasswordSignInAsync records.
    private const string PasswordAuthenticationMethod = "pwd";
}
