using System.ComponentModel.DataAnnotations;
using AuthClients.Web.Authorization;
using AuthClients.Web.Data.Entities;
using AuthClients.Web.Features.Access;
using AuthClients.Web.Features.SecondFactor;
using AuthClients.Web.Features.Users;
using AuthClients.Web.Models;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AuthClients.Web.Controllers;

public sealed class EnableAuthenticatorForm
{
    [Required(ErrorMessage = "Enter the code your authenticator app shows.")]
    [StringLength(10, ErrorMessage = "The code is the 6 digits your app shows.")]
    public string? Code { get; set; }
}

public sealed class AddPasskeyForm
{
    [Required(ErrorMessage = "Give the passkey a name, such as the device it is on.")]
    [StringLength(PasskeyService.MaxNameLength, ErrorMessage = "The name can be at most 100 characters.")]
    public string? Name { get; set; }

    /// <summary>The JSON of <c>navigator.credentials.create()</c>, filled in by wwwroot/js/passkeys.js.</summary>
    [Required(ErrorMessage = PasskeyService.NotAcceptedMessage)]
    public string? Credential { get; set; }
}

/// <summary>
/// The profile's Sign-in security tab (any signed-in user, for themselves): an authenticator app
/// with recovery codes, and passkeys. Also the page the second-factor policy sends a user to
/// until they have set one up.
/// </summary>
[Route(Path)]
public sealed class SignInSecurityController(
    UserManager<AppUser> users,
    SignInManager<AppUser> signIn,
    SignInSecurityService security,
    PasskeyService passkeys,
    IOptions<SecondFactorOptions> policy) : Controller
{
    public const string Path = "profile/security";
    public const string AuthenticatorEnabledMessage = "Your authenticator app is set up. Save your recovery codes now: they are shown only once.";
    public const string RecoveryCodesRenewedMessage = "New recovery codes were made; the old ones no longer work. Save these now: they are shown only once.";
    public const string PasskeyAddedMessage = "The passkey was added.";
    public const string PasskeyRemovedMessage = "The passkey was removed.";
    public const string LastFactorMessage = "This is your only second factor and your account must have one: add another passkey or an authenticator app first.";

    private const string RecoveryCodesKey = "NewRecoveryCodes";

    [HttpGet("")]
    public async Task<IActionResult> Index()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        // Recovery codes just made, shown on this one page view (TempData is read once, encrypted, never cached).
        var codes = (TempData[RecoveryCodesKey] as string)?.Split(' ');
        if (codes is not null)
        {
            Response.Headers.CacheControl = "no-store";
        }

        return View(await ViewAsync(user, codes));
    }

    [HttpPost("authenticator")]
    public async Task<IActionResult> EnableAuthenticator(EnableAuthenticatorForm form)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        var (codes, result) = ModelState.IsValid ? await security.EnableAuthenticatorAsync(user, form.Code!) : (null, ChangeResult.NotSaved);
        if (result.Status != ChangeStatus.Saved)
        {
            // This form's fields have no "Form." prefix (it is the page's second form).
            foreach (var (field, message) in result.Errors ?? [])
            {
                ModelState.AddModelError(field, message);
            }

            return View(nameof(Index), await ViewAsync(user, null, form.Code));
        }

        // Turning it on changed the security stamp, which ends every session: give this one a fresh cookie.
        await signIn.RefreshSignInAsync(user);
        return WithCodes(codes!, AuthenticatorEnabledMessage);
    }

    [HttpPost("recovery-codes")]
    public async Task<IActionResult> RenewRecoveryCodes()
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        return await security.RenewRecoveryCodesAsync(user) is { } codes
            ? WithCodes(codes, RecoveryCodesRenewedMessage)
            : RedirectToAction(nameof(Index));
    }

    /// <summary>The creation options for wwwroot/js/passkeys.js; the challenge is kept in Identity's cookie.</summary>
    [HttpPost("passkeys/options")]
    public async Task<IActionResult> PasskeyCreationOptions() =>
        await users.GetUserAsync(User) is { } user ? Content(await passkeys.CreationOptionsAsync(user), "application/json") : Challenge();

    [HttpPost("passkeys")]
    public async Task<IActionResult> AddPasskey(AddPasskeyForm form)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        var result = ModelState.IsValid ? await passkeys.AddAsync(user, form.Credential!, form.Name!) : ChangeResult.NotSaved;
        if (result.Status != ChangeStatus.Saved)
        {
            ModelState.AddErrors(result);
            return View(nameof(Index), await ViewAsync(user, null));
        }

        TempData.SetStatus(PasskeyAddedMessage);
        return RedirectToAction(nameof(Index));
    }

    [HttpPost("passkeys/{id}/remove")]
    public async Task<IActionResult> RemovePasskey(string id)
    {
        if (await users.GetUserAsync(User) is not { } user)
        {
            return Challenge();
        }

        // Under the policy, the last passkey of someone without an authenticator stays.
        var list = await passkeys.ListAsync(user);
        if (IsRequired() && !user.TwoFactorEnabled && list.Count == 1 && list[0].Id == id)
        {
            TempData.SetStatus(LastFactorMessage, StatusKind.Warning);
            return RedirectToAction(nameof(Index));
        }

        var removed = await passkeys.RemoveAsync(user, id);
        TempData.SetStatus(removed.Status == ChangeStatus.Saved ? PasskeyRemovedMessage : PasskeyService.MissingMessage,
            removed.Status == ChangeStatus.Saved ? StatusKind.Success : StatusKind.Warning);
        return RedirectToAction(nameof(Index));
    }

    private RedirectToActionResult WithCodes(IReadOnlyList<string> codes, string message)
    {
        TempData[RecoveryCodesKey] = string.Join(' ', codes);
        TempData.SetStatus(message);
        return RedirectToAction(nameof(Index));
    }

    private bool IsRequired() => policy.Value.Covers(User.IsSuperAdmin(), User.FindAll(AppClaimTypes.Permission).Select(c => c.Value));

    private Task<SignInSecurityViewModel> ViewAsync(AppUser user, IReadOnlyList<string>? codes, string? code = null) =>
        security.ViewAsync(user, IsRequired(), codes, code);
}
