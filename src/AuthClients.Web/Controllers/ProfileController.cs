using AuthClients.Web.Authorization;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.Users;
using AuthClients.Web.Models;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace AuthClients.Web.Controllers;

/// <summary>The signed-in user's own page (any signed-in user): who they are, and changing their password.</summary>
[Route("profile")]
public sealed class ProfileController(ProfileService profile, SignInManager<AppUser> signIn) : Controller
{
    public const string PasswordChangedMessage = "Your password was changed.";

    [HttpGet("")]
    public async Task<IActionResult> Index() =>
        await profile.FindAsync(User.GetUserId()) is { } user ? View(ProfileService.View(user, new ChangePasswordForm())) : Challenge();

    [HttpPost("password")]
    public async Task<IActionResult> ChangePassword([Bind(Prefix = "Form")] ChangePasswordForm form)
    {
        if (await profile.FindAsync(User.GetUserId()) is not { } user)
        {
            return Challenge();
        }

        var result = ModelState.IsValid ? await profile.ChangePasswordAsync(user, form) : ChangeResult.NotSaved;
        if (result.Status != ChangeStatus.Saved)
        {
            ModelState.AddErrors(result);
            return View(nameof(Index), ProfileService.View(user, new ChangePasswordForm()));
        }

        // The new password changed the security stamp, which ends every session: give this one a fresh cookie.
        await signIn.RefreshSignInAsync(user);
        TempData.SetStatus(PasswordChangedMessage);
        return RedirectToAction(nameof(Index));
    }
}
