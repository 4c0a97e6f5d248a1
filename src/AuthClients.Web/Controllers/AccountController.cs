using System.ComponentModel.DataAnnotations;
using AuthClients.Web.Connect;
using AuthClients.Web.Data.Entities;
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
public sealed class AccountController(SignInManager<AppUser> signIn, UserManager<AppUser> users, SignInContinuation continuation) : Controller
{
    /// <summary>
    /// One message for unknown email, wrong password, inactive and locked accounts, so the page
    /// does not tell an attacker which accounts exist.
    /// </summary>
    public static readonly string FailedMessage =
        $"Invalid email or password. After {IdentityHosting.MaxFailedSignIns} failed attempts an account is locked for {IdentityHosting.LockoutDuration.TotalMinutes} minutes.";

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

        var user = await users.FindByEmailAsync(form.Email!);
        if (user is null || !user.IsActive || await users.IsLockedOutAsync(user))
        {
            // Spend the time a real check costs (Identity skips it for a locked account), so timing
            // does not tell unknown, inactive or locked accounts from a wrong password either.
            users.PasswordHasher.VerifyHashedPassword(new AppUser(), TimingDummyHash, form.Password!);
        }
        else
        {
            var result = await signIn.PasswordSignInAsync(user, form.Password!, isPersistent: false, lockoutOnFailure: true);
            if (result.Succeeded)
            {
                // "/" sends each user to the first admin page they may open.
                return LocalRedirect(Url.IsLocalUrl(form.ReturnUrl) ? form.ReturnUrl : "/");
            }
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

    // A PBKDF2 hash of a random string, in Identity's V3 format.
    private static readonly string TimingDummyHash = new PasswordHasher<AppUser>().HashPassword(new AppUser(), Guid.NewGuid().ToString());
}
